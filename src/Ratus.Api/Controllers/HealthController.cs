using Microsoft.AspNetCore.Mvc;
using Ratus.Api.Contracts;
using Ratus.Api.Routing;
using Ratus.Application.Abstractions;

namespace Ratus.Api.Controllers;

[ApiController]
public sealed class HealthController(ITaskRepository repository) : ControllerBase
{
    /// <summary>Liveness: 200 with an empty body while the process serves HTTP.</summary>
    [HttpGet(ApiRoutes.Livez)]
    [HttpGet(ApiRoutes.Healthz)]
    [ProducesResponseType(StatusCodes.Status200OK)]
    public IActionResult Live() => Ok();

    /// <summary>Readiness: 200 once the engine can serve requests, else 503.</summary>
    [HttpGet(ApiRoutes.Readyz)]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status503ServiceUnavailable, "application/json")]
    public async Task<IActionResult> Ready(CancellationToken ct)
    {
        await repository.CheckReadyAsync(ct);
        return Ok();
    }
}
