using Microsoft.AspNetCore.Mvc;
using Ratus.Api.Json;
using Ratus.Domain.Common;
using Ratus.Domain.Errors;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;
using Ratus.Domain.Topics;

namespace Ratus.Api.Contracts;

public static class WireResults
{
    private static readonly WireResult<string> NothingDue = new(
        new NotFoundException().Message,
        static (writer, message) => WireWriter.WriteError(writer, StatusCodes.Status404NotFound, message),
        StatusCodes.Status404NotFound);

    public static WireResult<RatusTask> ToResource(this RatusTask task) => new(task, WireWriter.WriteTask);

    // A poll with nothing due: the 404 envelope the error middleware would write for a NotFoundException, without one.
    public static IActionResult ToResourceOrNotFound(this RatusTask? task) =>
        task is not null ? task.ToResource() : NothingDue;

    public static WireResult<IReadOnlyList<RatusTask>> ToResource(this IReadOnlyList<RatusTask> tasks) => new(tasks, WireWriter.WriteTasks);

    public static WireResult<Promise> ToResource(this Promise promise) => new(promise, WireWriter.WritePromise);

    public static WireResult<IReadOnlyList<Promise>> ToResource(this IReadOnlyList<Promise> promises) => new(promises, WireWriter.WritePromises);

    public static WireResult<Topic> ToResource(this Topic topic) => new(topic, WireWriter.WriteTopic);

    public static WireResult<IReadOnlyList<Topic>> ToResource(this IReadOnlyList<Topic> topics) => new(topics, WireWriter.WriteTopics);

    // 201 if anything was created, else 200: every route that answers with counts of created and updated.
    public static WireResult<UpdateResult> ToResource(this UpdateResult result) =>
        new(result, WireWriter.WriteUpdated, result.Created > 0 ? StatusCodes.Status201Created : StatusCodes.Status200OK);

    public static WireResult<DeleteResult> ToResource(this DeleteResult result) => new(result, WireWriter.WriteDeleted);
}
