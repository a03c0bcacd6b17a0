using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Ratus.Domain.Errors;
using Ratus.Infrastructure.Chores;
using Ratus.Infrastructure.Tests.Fakes;
using Ratus.Infrastructure.Tests.Support;

namespace Ratus.Infrastructure.Tests.Chores;

// Issue 10, item 3: while the engine's storage cannot be reached, every chore and recovery run fails. The engine logs
// the outage itself, once; the chore service must not add an error with a stack trace per run.
public sealed class ChoreServiceOutageTests
{
    [Test]
    public async Task EngineUnavailable_EveryRunSkippedWithoutAnErrorOrAStackTrace()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 5, 0, 0, 0, TimeSpan.Zero));
        var repository = new CountingTaskRepository { Outage = new ServiceUnavailableException("the storage engine cannot be reached") };
        var logs = new LogCapture();
        var options = Options.Create(new ChoreOptions { Interval = TimeSpan.FromSeconds(1), RecoveryInterval = TimeSpan.FromMilliseconds(500) });
        using var service = new ChoreService(repository, options, time, logs.CreateLogger<ChoreService>());
        await service.StartAsync(CancellationToken.None);

        // Runs driven one clock step at a time; each step waits until the runs it made due have logged.
        for (var step = 1; step <= 4; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            await logs.WaitForAsync(
                entries => repository.Recoveries >= step && entries.Count(e => e.Message.StartsWith("recovery skipped", StringComparison.Ordinal)) == repository.Recoveries
                           && entries.Count(e => e.Message.StartsWith("chore skipped", StringComparison.Ordinal)) == repository.Chores,
                $"recovery run {step} and the chores due by then");
        }

        await service.StopAsync(CancellationToken.None);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(repository.Chores, Is.GreaterThanOrEqualTo(2));
            Assert.That(logs.Entries.Where(e => e.Level >= LogLevel.Warning), Is.Empty);
            Assert.That(logs.Entries.Where(e => e.Exception is not null), Is.Empty);
            Assert.That(logs.Entries.Where(e => e.Level == LogLevel.Debug).Select(e => e.Message), Has.All.EndsWith("the storage engine cannot be reached"));
        }
    }
}
