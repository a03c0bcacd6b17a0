namespace Ratus.Api.Tests.Support;

// One in-process server per fixture; tests isolate themselves with unique topics and IDs.
public abstract class ApiTestBase
{
    protected RatusApiFactory Factory { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        Factory = new RatusApiFactory();
        Client = Factory.CreateRawClient();
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
