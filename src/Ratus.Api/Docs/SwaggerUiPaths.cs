namespace Ratus.Api.Docs;

// Swagger UI answers at "/" itself (not with a redirect), and its assets also at the original's
// /swagger-ui/ addresses, where the stylesheet is named swagger-ui.min.css.
public sealed class SwaggerUiPaths(RequestDelegate next)
{
    private const string AssetPrefix = "/swagger-ui/";

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (path == "/")
        {
            context.Request.Path = "/index.html";
        }
        else if (path.StartsWith(AssetPrefix, StringComparison.Ordinal) && path.Length > AssetPrefix.Length)
        {
            context.Request.Path = "/" + path[AssetPrefix.Length..].Replace(".min.css", ".css", StringComparison.Ordinal);
        }

        return next(context);
    }
}
