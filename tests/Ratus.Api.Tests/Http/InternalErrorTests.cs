using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ratus.Api.Tests.Support;
using Ratus.Application.Abstractions;
using Ratus.Infrastructure.Tests.Fakes;
using Ratus.Infrastructure.Tests.Support;
using static Ratus.Api.Tests.Support.Wire;

namespace Ratus.Api.Tests.Http;

// Issue 10, item 3: a 500 once carried the exception's text (a driver's cluster description, a stack trace, a
// connection string). The client gets a short message; the detail is logged once, with the exception.
public sealed class InternalErrorTests
{
    private const string Detail = "Timed out selecting a server. Client view of cluster state is { mongodb://ratus:secret@db:27017 }";

    [TestCase("GET", "/v1/readyz")]
    [TestCase("GET", "/v1/topics")]
    [TestCase("POST", "/v1/topics/t/tasks/1")]
    public async Task UnexpectedFailure_500WithAShortMessage_DetailLoggedOnceWithTheException(string method, string path)
    {
        var logs = new LogCapture();
        var repository = new CountingTaskRepository { ReadyFailure = new InvalidOperationException(Detail) };
        await using var factory = new RatusApiFactory(services: s =>
        {
            s.AddSingleton<ITaskRepository>(repository);
            s.AddSingleton<ILoggerProvider>(logs);
        });
        using var client = factory.CreateRawClient();

        using var response = await client.SendAsync(method, path, method == "POST" ? "{}" : null);

        await AssertExactAsync(response, HttpStatusCode.InternalServerError, """{"error":{"code":500,"message":"internal server error"}}""");
        var logged = logs.Entries.Where(e => e.Level >= LogLevel.Error).ToList();
        Assert.That(logged, Has.Count.EqualTo(1), string.Join(Environment.NewLine, logged));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(logged[0].Exception, Is.InstanceOf<InvalidOperationException>().Or.InstanceOf<NotSupportedException>());
            Assert.That(logged[0].Message, Does.Contain(method).And.Contain(path));
        }
    }
}
