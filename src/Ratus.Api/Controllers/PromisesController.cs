using Mediator;
using Microsoft.AspNetCore.Mvc;
using Ratus.Api.Binding;
using Ratus.Api.Contracts;
using Ratus.Api.Routing;
using Ratus.Application.Promises;
using Ratus.Application.Promises.Commands;
using Ratus.Application.Promises.Queries;

namespace Ratus.Api.Controllers;

[ApiController]
[Produces("application/json")]
[ProducesResponseType<ErrorResource>(StatusCodes.Status500InternalServerError)]
[ProducesResponseType<ErrorResource>(StatusCodes.Status503ServiceUnavailable)]
public sealed class PromisesController(ISender sender) : ControllerBase
{
    /// <summary>Lists the promises (active tasks) of a topic by ID.</summary>
    [HttpGet(ApiRoutes.Promises)]
    [ProducesResponseType<PromisesResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> List(string? topic, [FromQuery] string? limit, [FromQuery] string? offset, CancellationToken ct) =>
        (await sender.Send(new ListPromisesQuery(topic ?? "", PageQuery.Parse(limit, offset)), ct)).ToResource();

    /// <summary>Claims the next due task of the topic (or the task named by <c>_id</c>). Body and query take _id, consumer, deadline, timeout.</summary>
    [HttpPost(ApiRoutes.Promises)]
    [WireRequestBody(typeof(PromiseResource), required: false, Example = """{"consumer":"worker-1","timeout":"30s"}""")]
    [ProducesResponseType<TaskResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Poll(string? topic, [WireBody] PromiseDraft promise, CancellationToken ct) =>
        (await sender.Send(new MakePromiseCommand(topic ?? "", null, promise), ct)).ToResourceOrNotFound();

    /// <summary>Releases every promise of the topic: its active tasks go back to pending.</summary>
    [HttpDelete(ApiRoutes.Promises)]
    [ProducesResponseType<DeletedResource>(StatusCodes.Status200OK)]
    public async Task<IActionResult> DeleteMany(string? topic, CancellationToken ct) =>
        (await sender.Send(new DeletePromisesCommand(topic ?? ""), ct)).ToResource();

    /// <summary>Gets the promise on a task; 404 unless the task is active.</summary>
    [HttpGet(ApiRoutes.Promise)]
    [ProducesResponseType<PromiseResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(string? id, CancellationToken ct) =>
        (await sender.Send(new GetPromiseQuery(id ?? ""), ct)).ToResource();

    /// <summary>Claims a pending task by ID, whatever its scheduled time; 409 unless pending.</summary>
    [HttpPost(ApiRoutes.Promise)]
    [WireRequestBody(typeof(PromiseResource), required: false, Example = """{"consumer":"worker-1","timeout":"30s"}""")]
    [ProducesResponseType<TaskResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Insert(string? topic, string? id, [WireBody] PromiseDraft promise, CancellationToken ct) =>
        (await sender.Send(new MakePromiseCommand(topic ?? "", id ?? "", promise), ct)).ToResourceOrNotFound();

    /// <summary>Claims a task by ID in any state, replacing an existing claim.</summary>
    [HttpPut(ApiRoutes.Promise)]
    [WireRequestBody(typeof(PromiseResource), required: false, Example = """{"consumer":"worker-1","timeout":"30s"}""")]
    [ProducesResponseType<TaskResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Upsert(string? topic, string? id, [WireBody] PromiseDraft promise, CancellationToken ct) =>
        (await sender.Send(new MakePromiseCommand(topic ?? "", id ?? "", promise, AnyState: true), ct)).ToResourceOrNotFound();

    /// <summary>Releases the promise on a task: an active task goes back to pending.</summary>
    [HttpDelete(ApiRoutes.Promise)]
    [ProducesResponseType<DeletedResource>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Delete(string? id, CancellationToken ct) =>
        (await sender.Send(new DeletePromiseCommand(id ?? ""), ct)).ToResource();
}
