using Mediator;
using Microsoft.AspNetCore.Mvc;
using Ratus.Api.Binding;
using Ratus.Api.Contracts;
using Ratus.Api.Routing;
using Ratus.Application.Tasks;
using Ratus.Application.Tasks.Commands;
using Ratus.Application.Tasks.Queries;

namespace Ratus.Api.Controllers;

[ApiController]
[Produces("application/json")]
[ProducesResponseType<ErrorResource>(StatusCodes.Status500InternalServerError)]
[ProducesResponseType<ErrorResource>(StatusCodes.Status503ServiceUnavailable)]
public sealed class TasksController(ISender sender) : ControllerBase
{
    /// <summary>Lists the tasks of a topic by ID.</summary>
    [HttpGet(ApiRoutes.Tasks)]
    [ProducesResponseType<TasksResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> List(string? topic, [FromQuery] string? limit, [FromQuery] string? offset, CancellationToken ct) =>
        (await sender.Send(new ListTasksQuery(topic ?? "", PageQuery.Parse(limit, offset)), ct)).ToResource();

    /// <summary>Inserts a batch of tasks, skipping IDs that exist. A task without a topic takes the path's.</summary>
    [HttpPost(ApiRoutes.Tasks)]
    [WireRequestBody(typeof(TasksResource), required: true, Example = """{"data":[{"_id":"2","payload":{"greeting":"hello"}},{"_id":"3","defer":"30s"}]}""")]
    [ProducesResponseType<UpdatedResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<UpdatedResource>(StatusCodes.Status201Created)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> InsertMany(string? topic, [WireBody] IReadOnlyList<TaskDraft> tasks, CancellationToken ct) =>
        (await sender.Send(new PushTasksCommand(tasks.ToSubmissions(topic)), ct)).ToResource();

    /// <summary>Inserts or replaces a batch of tasks.</summary>
    [HttpPut(ApiRoutes.Tasks)]
    [WireRequestBody(typeof(TasksResource), required: true, Example = """{"data":[{"_id":"2","payload":{"greeting":"hello"}},{"_id":"3","defer":"30s"}]}""")]
    [ProducesResponseType<UpdatedResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<UpdatedResource>(StatusCodes.Status201Created)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> UpsertMany(string? topic, [WireBody] IReadOnlyList<TaskDraft> tasks, CancellationToken ct) =>
        (await sender.Send(new UpsertTasksCommand(tasks.ToSubmissions(topic)), ct)).ToResource();

    /// <summary>Deletes every task of a topic.</summary>
    [HttpDelete(ApiRoutes.Tasks)]
    [ProducesResponseType<DeletedResource>(StatusCodes.Status200OK)]
    public async Task<IActionResult> DeleteMany(string? topic, CancellationToken ct) =>
        (await sender.Send(new DeleteTasksCommand(topic ?? ""), ct)).ToResource();

    /// <summary>Gets a task by ID, whatever its topic.</summary>
    [HttpGet(ApiRoutes.Task)]
    [ProducesResponseType<TaskResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(string? id, CancellationToken ct) =>
        (await sender.Send(new GetTaskQuery(id ?? ""), ct)).ToResource();

    /// <summary>Inserts a task; 409 if the ID exists in any topic.</summary>
    [HttpPost(ApiRoutes.Task)]
    [WireRequestBody(typeof(TaskResource), required: true, Example = """{"payload":{"greeting":"hello world"}}""")]
    [ProducesResponseType<UpdatedResource>(StatusCodes.Status201Created)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Insert(string? topic, string? id, [WireBody] TaskDraft task, CancellationToken ct) =>
        (await sender.Send(new PushTaskCommand(new TaskSubmission(task, topic ?? "", id ?? "")), ct)).ToResource();

    /// <summary>Replaces a task wholesale, or creates it.</summary>
    [HttpPut(ApiRoutes.Task)]
    [WireRequestBody(typeof(TaskResource), required: true, Example = """{"payload":{"greeting":"hello world"}}""")]
    [ProducesResponseType<UpdatedResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<UpdatedResource>(StatusCodes.Status201Created)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> Upsert(string? topic, string? id, [WireBody] TaskDraft task, CancellationToken ct) =>
        (await sender.Send(new UpsertTaskCommand(new TaskSubmission(task, topic ?? "", id ?? "")), ct)).ToResource();

    /// <summary>Deletes a task by ID; deleting a missing task is not an error.</summary>
    [HttpDelete(ApiRoutes.Task)]
    [ProducesResponseType<DeletedResource>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Delete(string? id, CancellationToken ct) =>
        (await sender.Send(new DeleteTaskCommand(id ?? ""), ct)).ToResource();

    /// <summary>Commits a task: completes it by default; 409 if the nonce is stale.</summary>
    [HttpPatch(ApiRoutes.Task)]
    [WireRequestBody(typeof(CommitResource), required: false, Example = """{"state":2}""")]
    [ProducesResponseType<TaskResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Commit(string? id, [WireBody] CommitDraft commit, CancellationToken ct) =>
        (await sender.Send(new CommitTaskCommand(id ?? "", commit), ct)).ToResource();
}
