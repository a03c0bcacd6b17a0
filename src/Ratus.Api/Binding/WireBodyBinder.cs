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
        var body = await RequestBody.ReadAsync(request, options.Value.MaxBodySize);
        if (!Utf8.IsValid(body.Span))
        {
            throw new BadRequestException("request body is not valid UTF-8");
        }

        var empty = RequestBody.IsBlank(body.Span);
        object model = bindingContext.ModelType switch
        {
            var t when t == typeof(TaskDraft) => empty ? throw MissingBody() : WireReader.ReadTask(body.Span),
            var t when t == typeof(IReadOnlyList<TaskDraft>) => empty ? throw MissingBody() : WireReader.ReadTasks(body.Span),
            var t when t == typeof(PromiseDraft) => PromiseQuery.Merge(empty ? PromiseDraft.Empty : WireReader.ReadPromise(body.Span), request.Query),
            var t when t == typeof(CommitDraft) => empty ? CommitDraft.Empty : WireReader.ReadCommit(body.Span),
            var t => throw new InvalidOperationException($"No wire reader for {t}."),
        };
        bindingContext.Result = ModelBindingResult.Success(model);
    }

    private static BadRequestException MissingBody() => new("missing request body");
}
