using System.Diagnostics;
using Ratus.Client;

namespace Ratus.Samples.Tests;

[NonParallelizable]
[Platform(Include = "Linux,MacOsX", Reason = "stops the sample with SIGTERM")]
public sealed class WorkerTests
{
    private const string Sample = "Ratus.Samples.Worker";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Worker_ConsumesTheConfiguredTopic_AndStopsCleanlyOnSigterm()
    {
        var client = SampleServer.Client;
        await client.InsertTasksAsync(
        [
            new RatusTask { Id = "job-1", Topic = "sample-jobs", Payload = RatusPayload.From(new { n = 1 }) },
            new RatusTask { Id = "job-2", Topic = "sample-jobs", Payload = RatusPayload.From(new { n = 2 }) },
        ]);

        // appsettings.json, overridden on the command line.
        using var worker = SampleProcess.Start(Sample, $"--Ratus:BaseAddress={SampleServer.Origin}", "--Ratus:Topic=sample-jobs", "--Ratus:Consumer=test-worker");
        var stopwatch = Stopwatch.StartNew();
        IReadOnlyList<RatusTask> tasks;
        do
        {
            await Task.Delay(100);
            tasks = await client.ListTasksAsync("sample-jobs");
        }
        while (tasks.Any(t => t.State != TaskState.Completed) && stopwatch.Elapsed < Timeout);

        Assert.That(tasks.Select(t => (t.Id, t.State, t.Consumer)), Is.EquivalentTo(new[]
        {
            ("job-1", TaskState.Completed, "test-worker"),
            ("job-2", TaskState.Completed, "test-worker"),
        }), worker.Output);

        worker.Terminate();
        var exitCode = await worker.WaitForExitCodeAsync(Timeout);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, worker.Output);
            Assert.That(worker.Output, Does.Contain("Task job-1 of topic sample-jobs"));
            Assert.That(worker.Output, Does.Contain("Task job-2 of topic sample-jobs"));
            Assert.That(worker.Output, Does.Contain("Application is shutting down"));
        });
    }
}
