using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Ratus.Api.Tests.Hosting;

namespace Ratus.Samples.Tests;

/// The README's curl sessions, run as printed against a real server (only `localhost:8000` becomes the test server's
/// address): every command must succeed, and every output shown in a `# {…}` comment under a command must be what
/// the command printed, `...` standing for any text and any non-empty nonce for any other.
[NonParallelizable]
public sealed partial class ReadmeShellSessionTests
{
    private const string PrintedAddress = "localhost:8000";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Ellipses = ["...", "…"];

    private ServerProcess? _server;
    private string _address = "";

    [SetUp]
    public async Task StartServerAsync()
    {
        var port = ServerProcess.FreePort();
        _server = ServerProcess.Start("--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1");
        var started = await _server.WaitForOutputAsync($"start listening on 127.0.0.1:{port}", StartTimeout);
        Assert.That(started, Is.True, $"the server did not start:{Environment.NewLine}{_server.Output}");
        _address = $"127.0.0.1:{port}";
    }

    [TearDown]
    public void StopServer() => _server?.Dispose();

    [Test]
    public async Task Readme_CurlSessions_RunAsPrinted()
    {
        var blocks = CurlBlocks();
        Assert.That(blocks, Has.Count.EqualTo(2), "the README's curl session and its trace-context example");

        foreach (var block in blocks)
        {
            await RunAsync(block);
        }
    }

    [Test]
    public async Task Readme_CurlSession_LeavesRoomForTheHelloWorldSample()
    {
        await RunAsync(CurlBlocks()[0]);

        using var sample = SampleProcess.Start("Ratus.Samples.HelloWorld", "--origin", "http://" + _address);
        var exitCode = await sample.WaitForExitCodeAsync(SessionTimeout);

        Assert.That(exitCode, Is.Zero, $"IDs are global: the sample must not collide with the README's tasks{Environment.NewLine}{sample.Output}");
    }

    /// Runs one block with bash, each command preceded by a marker line so that its output can be told apart.
    private async Task RunAsync(string block)
    {
        var lines = block.Split('\n');
        var script = new List<string>
        {
            "set -euo pipefail",
            // As printed, plus: fail on an HTTP error status (and say so), and no progress meter.
            "curl() { command curl --silent --show-error --fail-with-body \"$@\"; }",
        };
        var commands = new List<int>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0 || lines[i].TrimStart().StartsWith('#'))
            {
                continue;
            }

            commands.Add(i);
            script.Add($"printf '\\n{Marker(i)}\\n'");
            script.Add(lines[i].Replace(PrintedAddress, _address, StringComparison.Ordinal));
        }

        var (exitCode, output) = await RunBashAsync(string.Join('\n', script) + "\n");
        Assert.That(exitCode, Is.Zero, $"the session failed:{Environment.NewLine}{output}{Environment.NewLine}--- session ---{Environment.NewLine}{block}");

        var checkedOutputs = 0;
        Assert.Multiple(() =>
        {
            foreach (var line in commands)
            {
                var expected = lines.Skip(line + 1).TakeWhile(l => l.StartsWith("# {", StringComparison.Ordinal) || l.StartsWith("# [", StringComparison.Ordinal)).ToList();
                if (expected.Count == 0)
                {
                    continue;
                }

                var printed = OutputOf(output, line);
                AssertMatches(printed, expected[0][2..], lines[line]);
                checkedOutputs++;
            }
        });
        Assert.That(checkedOutputs, Is.GreaterThan(0), "the session shows no output to check");
    }

    private static void AssertMatches(string printed, string shown, string command)
    {
        var parts = NormaliseNonce(shown).Split(Ellipses, StringSplitOptions.None).Select(Regex.Escape);
        var pattern = "^" + string.Join(".*", parts) + "$";
        Assert.That(Regex.IsMatch(NormaliseNonce(printed), pattern, RegexOptions.Singleline), Is.True,
            $"`{command}` printed{Environment.NewLine}{printed}{Environment.NewLine}but the README shows{Environment.NewLine}{shown}");
    }

    private static string OutputOf(string output, int line)
    {
        var start = output.IndexOf(Marker(line), StringComparison.Ordinal) + Marker(line).Length;
        var end = output.IndexOf("\n@@ ", start, StringComparison.Ordinal);
        return (end < 0 ? output[start..] : output[start..end]).Trim();
    }

    private static string Marker(int line) => $"@@ line {line}";

    private static string NormaliseNonce(string json) => NoncePattern().Replace(json, "\"nonce\":\"<nonce>\"");

    private async Task<(int ExitCode, string Output)> RunBashAsync(string script)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ratus-readme-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(path, script);
        try
        {
            using var bash = Process.Start(new ProcessStartInfo("bash", [path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Path.GetTempPath(),
            })!;
            var stdout = bash.StandardOutput.ReadToEndAsync();
            var stderr = bash.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(SessionTimeout);
            try
            {
                await bash.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                bash.Kill(entireProcessTree: true);
                Assert.Fail($"the session did not finish within {SessionTimeout}:{Environment.NewLine}{await stdout}{await stderr}");
            }

            return (bash.ExitCode, (await stdout).ReplaceLineEndings("\n") + await stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// The README's ```sh blocks that talk to the server with curl.
    private static List<string> CurlBlocks()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md")).ReplaceLineEndings("\n");
        return ShellBlockPattern().Matches(readme)
            .Select(m => m.Groups["code"].Value)
            .Where(code => code.Contains("curl ", StringComparison.Ordinal) && code.Contains(PrintedAddress, StringComparison.Ordinal))
            .ToList();
    }

    [GeneratedRegex("```sh\n(?<code>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex ShellBlockPattern();

    [GeneratedRegex("\"nonce\":\"[^\"]+\"")]
    private static partial Regex NoncePattern();
}
