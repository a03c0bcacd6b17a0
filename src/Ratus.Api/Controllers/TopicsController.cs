using Mediator;
using Microsoft.AspNetCore.Mvc;
using Ratus.Api.Binding;
using Ratus.Api.Contracts;
using Ratus.Api.Routing;
using Ratus.Application.Topics.Commands;
using Ratus.Application.Topics.Queries;

namespace Ratus.Api.Controllers;

[ApiController]
[Produces("application/json")]
[ProducesResponseType<ErrorResource>(StatusCodes.Status500InternalServerError)]
[ProducesResponseType<ErrorResource>(StatusCodes.Status503ServiceUnavailable)]
public sealed class TopicsController(ISender sender) : ControllerBase
{
    /// <summary>Lists topics by name.</summary>
    [HttpGet(ApiRoutes.Topics)]
    [ProducesResponseType<TopicsResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> List([FromQuery] string? limit, [FromQuery] string? offset, CancellationToken ct) =>
        (await sender.Send(new ListTopicsQuery(PageQuery.Parse(limit, offset)), ct)).ToResource();

    /// <summary>Deletes every task of every topic.</summary>
    [HttpDelete(ApiRoutes.Topics)]
    [ProducesResponseType<DeletedResource>(StatusCodes.Status200OK)]
    public async Task<IActionResult> DeleteAll(CancellationToken ct) =>
        (await sender.Send(new DeleteTopicsCommand(), ct)).ToResource();

    /// <summary>Gets a topic with the number of its tasks in any state.</summary>
    [HttpGet(ApiRoutes.Topic)]
    [ProducesResponseType<TopicResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResource>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(string? topic, CancellationToken ct) =>
        (await sender.Send(new GetTopicQuery(topic ?? ""), ct)).ToResource();

    /// <summary>Deletes every task of a topic.</summary>
    [HttpDelete(ApiRoutes.Topic)]
    [ProducesResponseType<DeletedResource>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Delete(string? topic, CancellationToken ct) =>
        (await sender.Send(new DeleteTopicCommand(topic ?? ""), ct)).ToResource();
}
