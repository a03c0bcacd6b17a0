using System.Globalization;
using Microsoft.Playwright;
using Ratus.Api.Tests.Hosting;

namespace Ratus.Ui.Tests;

/// One real `ratus` server process on 127.0.0.1 (memdb) and one headless Chromium for every test of this assembly.
/// The browser is Debian's `chromium` package (Playwright's own download cannot be used here), found at its real
/// binary or at RATUS_TEST_CHROMIUM; without it every test is skipped with the reason.
[SetUpFixture]
public sealed class UiServer
{
    public const string ChromiumVariable = "RATUS_TEST_CHROMIUM";

    // The package's real binary, not the /usr/bin/chromium shell wrapper.
    private const string DebianChromium = "/usr/lib/chromium/chromium";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static ServerProcess? _server;
    private static IPlaywright? _playwright;
    private static IBrowser? _browser;

    public static string Origin { get; private set; } = "";

    public static IBrowser Browser => _browser ?? throw new InvalidOperationException("the browser has not started");

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var chromium = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } configured ? configured : DebianChromium;
        if (!File.Exists(chromium))
        {
            Assert.Ignore($"no Chromium at {chromium}: install Debian's chromium package (apt-get install -y chromium) or set {ChromiumVariable}");
        }

        var port = ServerProcess.FreePort();
        _server = ServerProcess.Start("--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1");
        var started = await _server.WaitForOutputAsync($"start listening on 127.0.0.1:{port}", StartTimeout);
        Assert.That(started, Is.True, $"the server did not start:{Environment.NewLine}{_server.Output}");
        Origin = $"http://127.0.0.1:{port}";

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
            _browser = null;
        }

        _playwright?.Dispose();
        _playwright = null;
        _server?.Dispose();
        _server = null;
    }
}
