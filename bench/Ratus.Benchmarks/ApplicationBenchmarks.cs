using BenchmarkDotNet.Attributes;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Ratus.Api;
using Ratus.Application;
using Ratus.Application.Abstractions;
using Ratus.Application.Common;
using Ratus.Application.Promises;
using Ratus.Application.Promises.Commands;
using Ratus.Application.Tasks;
using Ratus.Application.Tasks.Commands;
using Ratus.Application.Tasks.Queries;
using Ratus.Domain.Tasks;
using Ratus.Infrastructure;

namespace Ratus.Benchmarks;

// The operations of <see cref="EngineBenchmarks"/> as the controllers send them: a command through the source-generated
// mediator, with the server's own registrations (pipeline behaviours, validators, the memdb engine with its defaults,
// OpenTelemetry metrics and tracing), but without HTTP. The difference to the engine figures is what the pipeline adds.
[MemoryDiagnoser]
public class ApplicationBenchmarks
{
    private ServiceProvider _services = null!;
    private ISender _sender = null!;
    private string[] _ids = null!;
    private string _topic = null!;
    private TaskDraft _draft = null!;
    private PromiseDraft _promise = null!;
    private long _tail;
    private int _next;

    [Params(100_000)]
    public int Backlog { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection().Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddApplication();
        services.AddInfrastructure(configuration);
        services.AddRatusApi(configuration);
        _services = services.BuildServiceProvider();

        // The host resolves these at start-up; from then on the ratus_* instruments record and the activity source has
        // a listener, as in the server.
        _services.GetRequiredService<MeterProvider>();
        _services.GetRequiredService<TracerProvider>();

        var engine = _services.GetRequiredService<ITaskRepository>();
        await engine.OpenAsync(CancellationToken.None);
        _ids = await Fixture.FillAsync(engine, Backlog);
        _sender = _services.GetRequiredService<ISender>();

        _topic = Fixture.WireTopic();
        _tail = Backlog;
        _draft = new TaskDraft { Payload = Fixture.Payload() };
        _promise = new PromiseDraft { Consumer = "bench", Timeout = "30s" };
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.GetRequiredService<ITaskRepository>().CloseAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }

    [Benchmark(Description = "push + delete")]
    public async ValueTask<long> PushDelete()
    {
        var pushed = await _sender.Send(new PushTaskCommand(new TaskSubmission(_draft, _topic, "pushed")), CancellationToken.None);
        var deleted = await _sender.Send(new DeleteTaskCommand("pushed"), CancellationToken.None);
        return pushed.Created + deleted.Deleted;
    }

    [Benchmark(Description = "poll + commit")]
    public async ValueTask<TaskState> PollCommit()
    {
        var claimed = (await _sender.Send(new MakePromiseCommand(_topic, null, _promise), CancellationToken.None))!;
        var commit = new CommitDraft { Nonce = claimed.Nonce, State = (int)TaskState.Pending, Scheduled = Fixture.Scheduled(_tail++) };
        var committed = await _sender.Send(new CommitTaskCommand(claimed.Id, commit), CancellationToken.None);
        return committed.State;
    }

    [Benchmark(Description = "commit (no nonce)")]
    public async ValueTask<TaskState> Commit()
    {
        var id = _ids[_next];
        _next = _next + 1 == _ids.Length ? 0 : _next + 1;
        var commit = new CommitDraft { State = (int)TaskState.Pending, Scheduled = Fixture.Scheduled(_tail++) };
        var committed = await _sender.Send(new CommitTaskCommand(id, commit), CancellationToken.None);
        return committed.State;
    }

    [Benchmark(Description = "list 10")]
    public async ValueTask<int> List()
    {
        var page = await _sender.Send(new ListTasksQuery(_topic, new Page(10, 0)), CancellationToken.None);
        return page.Count;
    }
}
