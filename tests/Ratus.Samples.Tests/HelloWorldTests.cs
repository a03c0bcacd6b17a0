using Ratus.Api.Tests.Hosting;
using Ratus.Client;

namespace Ratus.Samples.Tests;

[NonParallelizable]
public sealed class HelloWorldTests
{
    private const string Sample = "Ratus.Samples.HelloWorld";
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task HelloWorld_PrintsThePayloadAndCompletesTask1_ThenFailsOnTheExistingTask()
    {
        using (var first = SampleProcess.Start(Sample, "--origin", SampleServer.Origin))
        {
            var exitCode = await first.WaitForExitCodeAsync(ExitTimeout);
            Assert.Multiple(() =>
            {
                Assert.That(exitCode, Is.Zero, first.Output);
                Assert.That(first.Output, Does.Contain("hello world"));
            });
        }

        var task = await SampleServer.Client.GetTaskAsync("1");
        Assert.Multiple(() =>
        {
            Assert.That(task.Topic, Is.EqualTo("example"));
            Assert.That(task.State, Is.EqualTo(TaskState.Completed), "the sample commits the task it polled");
            Assert.That(task.GetPayload<string>(), Is.EqualTo("hello world"));
        });

        // Like the original, a second run fails: task 1 exists (409).
        using var second = SampleProcess.Start(Sample, "--origin", SampleServer.Origin);
        var secondExitCode = await second.WaitForExitCodeAsync(ExitTimeout);
        Assert.Multiple(() =>
        {
            Assert.That(secondExitCode, Is.Not.Zero, second.Output);
            Assert.That(second.Output, Does.Contain("already exists"));
            Assert.That(second.Output, Does.Not.Contain("hello world"));
        });
    }

    [Test]
    public async Task HelloWorld_NoServerAtTheOrigin_ExitsNonZeroNamingTheOrigin()
    {
        var origin = $"http://127.0.0.1:{ServerProcess.FreePort()}";

        using var sample = SampleProcess.Start(Sample, "--origin", origin);
        var exitCode = await sample.WaitForExitCodeAsync(ExitTimeout);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Not.Zero);
            Assert.That(sample.Output, Does.Contain(origin));
        });
    }

    [Test]
    public async Task HelloWorld_UnknownArgument_ExitsWithUsage()
    {
        using var sample = SampleProcess.Start(Sample, "--bogus");
        var exitCode = await sample.WaitForExitCodeAsync(ExitTimeout);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(2));
            Assert.That(sample.Output, Does.Contain("usage:"));
        });
    }
}
