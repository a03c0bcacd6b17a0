namespace Ratus.Api.Tests.Support;

// One in-process server per fixture; tests isolate themselves with unique topics and IDs. A fixture that runs on both
// engines passes the engine name (RatusApiFactory.MemDb or MongoDb); on mongodb it is ignored without a test server.
public abstract class ApiTestBase(string engine = RatusApiFactory.MemDb)
{
    protected string Engine => engine;

    protected bool OnMongoDb => engine == RatusApiFactory.MongoDb;

    protected RatusApiFactory Factory { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        Factory = NewFactory();
        Client = Factory.CreateRawClient();
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        Client?.Dispose();
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }
    }

    /// Another server on this fixture's engine (on mongodb, over a database of its own).
    protected RatusApiFactory NewFactory() => new(engine: engine);
}
