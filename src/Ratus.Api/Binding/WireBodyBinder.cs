using System.Text.Unicode;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Options;
using Ratus.Api.Json;
using Ratus.Application.Promises;
using Ratus.Application.Tasks;
using Ratus.Domain.Errors;

namespace Ratus.Api.Binding;

public sealed class WireBodyBinder(IOptions<ServerOptions> options) : IModelBinder
{
    public async Task BindModelAsync(ModelBindingContext bindingContext)
    {
        var request = bindingContext.HttpContext.Request;
        var modelType = bindingContext.ModelType;
        var model = await RequestBody.ReadAsync(request, options.Value.MaxBodySize, body => Read(modelType, body, request));
        bindingContext.Result = ModelBindingResult.Success(model);
    }

    private static object Read(Type modelType, ReadOnlySpan<byte> body, HttpRequest request)
    {
        if (!Utf8.IsValid(body))
        {
            throw new BadRequestException("request body is not valid UTF-8");
        }

        var empty = RequestBody.IsBlank(body);
        return modelType switch
        {
            var t when t == typeof(TaskDraft) => empty ? throw MissingBody() : WireReader.ReadTask(body),
            var t when t == typeof(IReadOnlyList<TaskDraft>) => empty ? throw MissingBody() : WireReader.ReadTasks(body),
            var t when t == typeof(PromiseDraft) => PromiseQuery.Merge(empty ? PromiseDraft.Empty : WireReader.ReadPromise(body), request.Query),
            var t when t == typeof(CommitDraft) => empty ? CommitDraft.Empty : WireReader.ReadCommit(body),
            var t => throw new InvalidOperationException($"No wire reader for {t}."),
        };
    }

    private static BadRequestException MissingBody() => new("missing request body");
}
