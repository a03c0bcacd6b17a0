using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Ratus.Infrastructure.Chores;
using Ratus.Infrastructure.Tests.Fakes;

namespace Ratus.Infrastructure.Tests.Chores;

public sealed class ChoreServiceTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    // Long enough for a wrongly scheduled run to show up, short enough to keep the suite quick.
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(150);

    private FakeTimeProvider _time = null!;
    private CountingTaskRepository _repository = null!;
    private ChoreService? _service;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 5, 0, 0, 0, TimeSpan.Zero));
        _repository = new CountingTaskRepository();
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_service is not null)
        {
            await _service.StopAsync(CancellationToken.None);
            _service.Dispose();
        }
    }

    [Test]
    public async Task StartAsync_InitialDelay_FirstChoreRunsOnlyAfterTheDelay()
    {
        await StartAsync(new ChoreOptions { Interval = TimeSpan.FromSeconds(10), InitialDelay = TimeSpan.FromSeconds(3), RecoveryInterval = TimeSpan.Zero });

        _time.Advance(TimeSpan.FromMilliseconds(2999));
        await Task.Delay(QuietPeriod);
        Assert.That(_repository.Chores, Is.Zero);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitForAsync(() => _repository.Chores == 1);
    }

    [Test]
    public async Task StartAsync_NoInitialDelay_FirstChoreRunsAtOnce()
    {
        await StartAsync(new ChoreOptions { Interval = TimeSpan.FromSeconds(10), RecoveryInterval = TimeSpan.Zero });

        await WaitForAsync(() => _repository.Chores == 1);
    }

    [Test]
    public async Task StartAsync_InitialRandom_FirstChoreRunsWithinTheDelay()
    {
        await StartAsync(new ChoreOptions
        {
            Interval = TimeSpan.FromMinutes(10),
            InitialDelay = TimeSpan.FromSeconds(5),
            InitialRandom = true,
            RecoveryInterval = TimeSpan.Zero,
        });

        _time.Advance(TimeSpan.FromSeconds(5));
        await WaitForAsync(() => _repository.Chores == 1);
    }

    [Test]
    public async Task StartAsync_Interval_ChoresRepeatEveryInterval()
    {
        await StartAsync(new ChoreOptions { Interval = TimeSpan.FromSeconds(10), InitialDelay = TimeSpan.FromSeconds(1), RecoveryInterval = TimeSpan.Zero });

        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => _repository.Chores == 1);

        _time.Advance(TimeSpan.FromMilliseconds(9999));
        await Task.Delay(QuietPeriod);
        Assert.That(_repository.Chores, Is.EqualTo(1));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitForAsync(() => _repository.Chores == 2);

        _time.Advance(TimeSpan.FromSeconds(10));
        await WaitForAsync(() => _repository.Chores == 3);
    }

    [Test]
    public async Task StartAsync_IntervalZero_NothingRuns()
    {
        await StartAsync(new ChoreOptions { Interval = TimeSpan.Zero });

        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        await Task.Delay(QuietPeriod);
        Assert.Multiple(() =>
        {
            Assert.That(_repository.Chores, Is.Zero);
            Assert.That(_repository.Recoveries, Is.Zero);
            Assert.That(_service!.ExecuteTask, Is.Not.Null.And.Property(nameof(Task.IsCompletedSuccessfully)).True);
        });
    }

    [Test]
    public async Task StartAsync_ChoreThrows_LoopContinues()
    {
        _repository = new CountingTaskRepository { ChoreFails = call => call <= 2 };
        await StartAsync(new ChoreOptions { Interval = TimeSpan.FromSeconds(1), RecoveryInterval = TimeSpan.Zero });

        await WaitForAsync(() => _repository.Chores == 1);
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => _repository.Chores == 2);
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => _repository.Chores == 3);

        Assert.That(_service!.ExecuteTask!.IsCompleted, Is.False);
    }

    [Test]
    public async Task StartAsync_RecoveryInterval_RecoversEveryRecoveryInterval()
    {
        await StartAsync(new ChoreOptions { Interval = TimeSpan.FromSeconds(10), InitialDelay = TimeSpan.FromHours(1) });

        Assert.That(_repository.Recoveries, Is.Zero);
        for (var expected = 1; expected <= 4; expected++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
            await WaitForAsync(() => _repository.Recoveries == expected);
        }

        Assert.That(_repository.Chores, Is.Zero);
    }

    [Test]
    public async Task StopAsync_WhileWaiting_StopsPromptly()
    {
        await StartAsync(new ChoreOptions { Interval = TimeSpan.FromSeconds(10) });
        await WaitForAsync(() => _repository.Chores == 1);

        var stopwatch = Stopwatch.StartNew();
        await _service!.StopAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
            Assert.That(_service.ExecuteTask!.IsCompleted, Is.True);
        });
    }

    private async Task StartAsync(ChoreOptions options)
    {
        _service = new ChoreService(_repository, Options.Create(options), _time, NullLogger<ChoreService>.Instance);
        await _service.StartAsync(CancellationToken.None);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            if (stopwatch.Elapsed > WaitLimit)
            {
                Assert.Fail("the condition was not met in time");
            }

            await Task.Delay(10);
        }
    }
}
