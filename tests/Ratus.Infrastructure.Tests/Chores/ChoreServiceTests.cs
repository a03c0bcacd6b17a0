using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ratus.Infrastructure.Chores;
using Ratus.Infrastructure.Tests.Fakes;
using Ratus.Infrastructure.Tests.Support;

namespace Ratus.Infrastructure.Tests.Chores;

// Every test drives the service's clock by hand: it moves the clock only once the loop waits on a timer, and checks
// which instant that timer fires at. "Nothing ran yet" is then a fact, not a guess made after a real-time pause.
public sealed class ChoreServiceTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Start = new(2025, 3, 5, 0, 0, 0, TimeSpan.Zero);

    // The random factor every service under test draws: with InitialRandom, the first chore is due at exactly
    // InitialDelay * RandomFactor; without it, the factor must not matter.
    private const double RandomFactor = 0.25;

    private WatchedTimeProvider _time = null!;
    private CountingTaskRepository _repository = null!;
    private ChoreService? _service;

    [SetUp]
    public void SetUp()
    {
        _time = new WatchedTimeProvider(Start);
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

        Assert.That(await _time.WaitForTimersAsync(1), Is.EqualTo(new[] { Start.AddSeconds(3) }), "the first chore waits the whole initial delay");
        _time.Advance(TimeSpan.FromMilliseconds(2999));
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
    public async Task StartAsync_InitialRandom_FirstChoreRunsAtTheDelayScaledByTheRandomFactor()
    {
        await StartAsync(new ChoreOptions
        {
            Interval = TimeSpan.FromMinutes(10),
            InitialDelay = TimeSpan.FromSeconds(5),
            InitialRandom = true,
            RecoveryInterval = TimeSpan.Zero,
        });

        Assert.That(await _time.WaitForTimersAsync(1), Is.EqualTo(new[] { Start.AddSeconds(1.25) }), "5 s scaled by the random factor 0.25");
        _time.Advance(TimeSpan.FromMilliseconds(1249));
        Assert.That(_repository.Chores, Is.Zero);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitForAsync(() => _repository.Chores == 1);
    }

    [Test]
    public async Task StartAsync_Interval_ChoresRepeatEveryInterval()
    {
        await StartAsync(new ChoreOptions { Interval = TimeSpan.FromSeconds(10), InitialDelay = TimeSpan.FromSeconds(1), RecoveryInterval = TimeSpan.Zero });

        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => _repository.Chores == 1);

        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromMilliseconds(9999));
        Assert.That(_repository.Chores, Is.EqualTo(1));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitForAsync(() => _repository.Chores == 2);

        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(10));
        await WaitForAsync(() => _repository.Chores == 3);
    }

    [Test]
    public async Task StartAsync_IntervalZero_NothingRuns()
    {
        await StartAsync(new ChoreOptions { Interval = TimeSpan.Zero });

        // The host starts ExecuteAsync on the thread pool: it ends on its own, without the clock moving.
        await _service!.ExecuteTask!.WaitAsync(WaitLimit);
        Assert.Multiple(() =>
        {
            Assert.That(_service.ExecuteTask, Is.Not.Null.And.Property(nameof(Task.IsCompletedSuccessfully)).True);
            Assert.That(_time.Timers, Is.Empty, "nothing waits to run later");
            Assert.That(_repository.Chores, Is.Zero);
            Assert.That(_repository.Recoveries, Is.Zero);
        });
    }

    [Test]
    public async Task StartAsync_ChoreThrows_LoopContinues()
    {
        _repository = new CountingTaskRepository { ChoreFails = call => call <= 2 };
        await StartAsync(new ChoreOptions { Interval = TimeSpan.FromSeconds(1), RecoveryInterval = TimeSpan.Zero });

        await WaitForAsync(() => _repository.Chores == 1);
        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => _repository.Chores == 2);
        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => _repository.Chores == 3);

        Assert.That(_service!.ExecuteTask!.IsCompleted, Is.False);
    }

    [Test]
    public async Task StartAsync_RecoveryInterval_RecoversEveryRecoveryInterval()
    {
        await StartAsync(new ChoreOptions { Interval = TimeSpan.FromSeconds(10), InitialDelay = TimeSpan.FromHours(1) });

        for (var expected = 1; expected <= 4; expected++)
        {
            await _time.WaitForTimerAsync(TimeSpan.FromMilliseconds(500));
            Assert.That(_repository.Recoveries, Is.EqualTo(expected - 1));
            _time.Advance(TimeSpan.FromMilliseconds(500));
            await WaitForAsync(() => _repository.Recoveries == expected);
        }

        Assert.That(_repository.Chores, Is.Zero);
    }

    [Test]
    public async Task StopAsync_WhileWaiting_StopsWithoutTheClockMoving()
    {
        await StartAsync(new ChoreOptions { Interval = TimeSpan.FromSeconds(10) });
        await WaitForAsync(() => _repository.Chores == 1);
        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(10));

        // The fake clock never moves here, so the loops can only end by noticing the stop.
        await _service!.StopAsync(CancellationToken.None).WaitAsync(WaitLimit);

        Assert.Multiple(() =>
        {
            Assert.That(_service.ExecuteTask!.IsCompleted, Is.True);
            Assert.That(_time.Timers, Is.Empty, "a loop still waits");
            Assert.That(_time.GetUtcNow(), Is.EqualTo(Start));
        });
    }

    private async Task StartAsync(ChoreOptions options)
    {
        _service = new ChoreService(_repository, Options.Create(options), _time, NullLogger<ChoreService>.Instance)
        {
            NextRandomFactor = () => RandomFactor,
        };
        await _service.StartAsync(CancellationToken.None);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var limit = Task.Delay(WaitLimit);
        while (!condition())
        {
            if (limit.IsCompleted)
            {
                Assert.Fail($"the condition was not met within {WaitLimit.TotalSeconds} s");
            }

            await Task.Delay(10);
        }
    }
}
