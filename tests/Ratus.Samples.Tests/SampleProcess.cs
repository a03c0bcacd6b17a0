using System.Diagnostics;
using Ratus.Api.Tests.Hosting;

namespace Ratus.Samples.Tests;

/// A sample program run from its build output (artifacts/bin/{sample}/{configuration}/{sample}.dll) with
/// `dotnet {sample}.dll`, its output collected. Disposing kills it if it still runs.
internal sealed class SampleProcess(ProcessStartInfo startInfo) : ChildProcess(startInfo)
{
    /// Where the build puts a sample: next to this test project's output, in the same configuration.
    public static string Dll(string sample)
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(testDirectory.Parent!.Parent!.FullName, sample, testDirectory.Name, sample + ".dll");
    }

    /// Starts a sample. The samples are built from the Ratus.Client package outside Ratus.sln, by .ci/run or by hand
    /// (samples/README.md); when one is not built, the test fails under CI and is skipped elsewhere.
    public static SampleProcess Start(string sample, params string[] args)
    {
        var dll = Dll(sample);
        if (!File.Exists(dll))
        {
            var message = $"{sample} is not built at {dll}: pack the client and build samples/Ratus.Samples.sln (see samples/README.md)";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(message);
            }

            Assert.Ignore(message);
        }

        return new SampleProcess(Dotnet(dll, Path.GetDirectoryName(dll)!, args));
    }

    /// Waits for the sample to exit and returns its exit code; fails the test if it does not exit in time.
    public async Task<int> WaitForExitCodeAsync(TimeSpan timeout)
    {
        if (!await WaitForExitAsync(timeout))
        {
            Assert.Fail($"the sample did not exit within {timeout}:{Environment.NewLine}{Output}");
        }

        return ExitCode;
    }
}
