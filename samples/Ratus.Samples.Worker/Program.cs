// A worker service: a generic host whose BackgroundService consumes one topic with SubscribeAsync.
using Ratus.Client;
using Ratus.Samples.Worker;

// appsettings.json is read from next to the program, wherever it is started from (dotnet run starts it in the
// current directory).
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

// The client reads BaseAddress and Consumer from "Ratus"; the worker reads Topic and Concurrency from it.
var section = builder.Configuration.GetSection("Ratus");
builder.Services.AddRatusClient(section);
builder.Services.AddOptions<WorkerOptions>()
    .Bind(section)
    .Validate(o => !string.IsNullOrWhiteSpace(o.Topic), "Ratus:Topic is required")
    .Validate(o => o.Concurrency >= 1, "Ratus:Concurrency must be 1 or more")
    .ValidateOnStart();
builder.Services.AddHostedService<TaskWorker>();

await builder.Build().RunAsync();
