namespace Ratus.Api;

public static class ApiApplicationBuilderExtensions
{
    // Adds the HTTP API's middleware and endpoints to the pipeline.
    public static WebApplication UseRatusApi(this WebApplication app)
    {
        return app;
    }
}
