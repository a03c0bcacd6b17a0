namespace Ratus.Api;

public static class ApiServiceCollectionExtensions
{
    // Registers controllers, wire formats, routing, error handling and documentation of the HTTP API.
    public static IServiceCollection AddRatusApi(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }
}
