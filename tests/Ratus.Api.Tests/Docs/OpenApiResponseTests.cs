using System.Text.Json;
using Ratus.Api.Tests.Support;
using static Ratus.Api.Tests.Support.Wire;

namespace Ratus.Api.Tests.Docs;

// The responses the OpenAPI document promises against the ones the server sends: a tour of every operation, each
// answer's status documented for it and its body an instance of the documented schema; and the schemas against
// what the wire writer emits.
public sealed class OpenApiResponseTests
{
    private const int MaxBodySize = 4096;

    private RatusApiFactory _factory = null!;
    private HttpClient _client = null!;
    private OpenApiSchema _document = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new RatusApiFactory(new Dictionary<string, string?> { ["Server:MaxBodySize"] = MaxBodySize.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        _client = _factory.CreateRawClient();
        _document = new OpenApiSchema(await (await _client.SendAsync("GET", "/openapi.json")).JsonAsync());
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Test]
    public async Task EveryOperation_AnswersAsDocumented()
    {
        var topic = Unique("topic");
        var (a, b, c) = (Unique("a"), Unique("b"), Unique("c"));
        const string Task = """
            {"producer":"p","scheduled":"2020-01-01T00:00:00Z","payload":{"k":[1,"x",null]},
             "traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
            """;
        var tour = new (string Method, string Path, string Url, string? Body, int Status)[]
        {
            ("get", "/v1/livez", "/v1/livez", null, 200),
            ("get", "/v1/healthz", "/v1/healthz", null, 200),
            ("get", "/v1/readyz", "/v1/readyz", null, 200),
            ("get", "/v1/metrics", "/v1/metrics", null, 200),
            ("post", "/v1/topics/{topic}/tasks/{id}", $"/v1/topics/{topic}/tasks/{a}", Task, 201),
            ("post", "/v1/topics/{topic}/tasks/{id}", $"/v1/topics/{topic}/tasks/{a}", Task, 409),
            ("post", "/v1/topics/{topic}/tasks/{id}", $"/v1/topics/{topic}/tasks/{a}", """{"state":9}""", 400),
            ("post", "/v1/topics/{topic}/tasks/{id}", $"/v1/topics/{topic}/tasks/{a}", $$"""{"payload":"{{new string('x', MaxBodySize)}}"}""", 413),
            ("put", "/v1/topics/{topic}/tasks/{id}", $"/v1/topics/{topic}/tasks/{a}", Task, 200),
            ("put", "/v1/topics/{topic}/tasks/{id}", $"/v1/topics/{topic}/tasks/{c}", Task, 201),
            ("post", "/v1/topics/{topic}/tasks", $"/v1/topics/{topic}/tasks", $$"""{"data":[{"_id":"{{b}}","defer":"1h"}]}""", 201),
            ("post", "/v1/topics/{topic}/tasks", $"/v1/topics/{topic}/tasks", $$"""{"data":[{"_id":"{{b}}"}]}""", 200),
            ("put", "/v1/topics/{topic}/tasks", $"/v1/topics/{topic}/tasks", $$"""{"data":[{"_id":"{{b}}","defer":"1h"}]}""", 200),
            ("put", "/v1/topics/{topic}/tasks", $"/v1/topics/{topic}/tasks", """{"data":1}""", 400),
            ("get", "/v1/topics", "/v1/topics", null, 200),
            ("get", "/v1/topics", "/v1/topics?limit=x", null, 400),
            ("get", "/v1/topics/{topic}", $"/v1/topics/{topic}", null, 200),
            ("get", "/v1/topics/{topic}", $"/v1/topics/{Unique("none")}", null, 404),
            ("get", "/v1/topics/{topic}/tasks", $"/v1/topics/{topic}/tasks?limit=10&offset=0", null, 200),
            ("get", "/v1/topics/{topic}/tasks", $"/v1/topics/{topic}/tasks?offset=-1", null, 400),
            ("get", "/v1/topics/{topic}/tasks/{id}", $"/v1/topics/{topic}/tasks/{a}", null, 200),
            ("get", "/v1/topics/{topic}/tasks/{id}", $"/v1/topics/{topic}/tasks/{Unique("none")}", null, 404),
            ("get", "/v1/topics/{topic}/promises/{id}", $"/v1/topics/{topic}/promises/{a}", null, 404),
            ("post", "/v1/topics/{topic}/promises/{id}", $"/v1/topics/{topic}/promises/{a}?consumer=w", null, 200),
            ("post", "/v1/topics/{topic}/promises/{id}", $"/v1/topics/{topic}/promises/{a}", null, 409),
            ("post", "/v1/topics/{topic}/promises/{id}", $"/v1/topics/{topic}/promises/{Unique("none")}", null, 404),
            ("post", "/v1/topics/{topic}/promises/{id}", $"/v1/topics/{topic}/promises/{a}?timeout=soon", null, 400),
            ("get", "/v1/topics/{topic}/tasks/{id}", $"/v1/topics/{topic}/tasks/{a}", null, 200),
            ("get", "/v1/topics/{topic}/promises", $"/v1/topics/{topic}/promises", null, 200),
            ("get", "/v1/topics/{topic}/promises", $"/v1/topics/{topic}/promises?limit=-1", null, 400),
            ("get", "/v1/topics/{topic}/promises/{id}", $"/v1/topics/{topic}/promises/{a}", null, 200),
            ("put", "/v1/topics/{topic}/promises/{id}", $"/v1/topics/{topic}/promises/{a}", """{"consumer":"w","timeout":"1m"}""", 200),
            ("put", "/v1/topics/{topic}/promises/{id}", $"/v1/topics/{topic}/promises/{Unique("none")}", "{}", 404),
            ("put", "/v1/topics/{topic}/promises/{id}", $"/v1/topics/{topic}/promises/{a}", """{"deadline":1}""", 400),
            ("patch", "/v1/topics/{topic}/tasks/{id}", $"/v1/topics/{topic}/tasks/{a}", """{"nonce":"stale"}""", 409),
            ("patch", "/v1/topics/{topic}/tasks/{id}", $"/v1/topics/{topic}/tasks/{a}", """{"state":9}""", 400),
            ("patch", "/v1/topics/{topic}/tasks/{id}", $"/v1/topics/{topic}/tasks/{Unique("none")}", null, 404),
            ("patch", "/v1/topics/{topic}/tasks/{id}", $"/v1/topics/{topic}/tasks/{a}", null, 200),
            ("post", "/v1/topics/{topic}/promises", $"/v1/topics/{topic}/promises", """{"consumer":"w"}""", 200),
            ("post", "/v1/topics/{topic}/promises", $"/v1/topics/{topic}/promises", null, 404),
            ("post", "/v1/topics/{topic}/promises", $"/v1/topics/{topic}/promises", "[]", 400),
            ("delete", "/v1/topics/{topic}/promises/{id}", $"/v1/topics/{topic}/promises/{c}", null, 200),
            ("delete", "/v1/topics/{topic}/promises", $"/v1/topics/{topic}/promises", null, 200),
            ("delete", "/v1/topics/{topic}/tasks/{id}", $"/v1/topics/{topic}/tasks/{a}", null, 200),
            ("delete", "/v1/topics/{topic}/tasks", $"/v1/topics/{topic}/tasks", null, 200),
            ("delete", "/v1/topics/{topic}", $"/v1/topics/{topic}", null, 200),
            ("delete", "/v1/topics", "/v1/topics", null, 200),
        };

        using (Assert.EnterMultipleScope())
        {
            foreach (var (method, path, url, body, status) in tour)
            {
                using var response = await _client.SendAsync(method.ToUpperInvariant(), url, body);
                var text = await response.Content.ReadAsStringAsync();
                var step = $"{method} {url} {body?[..Math.Min(body.Length, 60)]}";
                Assert.That((int)response.StatusCode, Is.EqualTo(status), $"{step}: {text}");
                if (!_document.Operation(method, path).GetProperty("responses").TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var documented))
                {
                    Assert.Fail($"{step}: {status} is not documented");
                    continue;
                }

                if (!documented.TryGetProperty("content", out var content))
                {
                    Assert.That(text, Is.Empty, $"{step}: documented without a body");
                    continue;
                }

                var mediaType = response.Content.Headers.ContentType?.MediaType;
                Assert.That(content.EnumerateObject().Select(c => c.Name), Is.EqualTo(new[] { mediaType }), $"{step}: media types");
                if (mediaType == "application/json")
                {
                    using var json = JsonDocument.Parse(text);
                    Assert.That(_document.Validate(json.RootElement, content.GetProperty(mediaType).GetProperty("schema")), Is.Empty, $"{step}: {text}");
                }
            }

            var visited = tour.Select(t => (t.Method, t.Path)).ToHashSet();
            Assert.That(_document.Operations().Select(o => (o.Method, o.Path)).Where(o => !visited.Contains(o)), Is.Empty, "operations the tour misses");
        }
    }

    [Test]
    public void EveryErrorResponse_IsTheJsonEnvelope()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var (method, path, operation) in _document.Operations())
            {
                foreach (var response in operation.GetProperty("responses").EnumerateObject().Where(r => string.CompareOrdinal(r.Name, "400") >= 0))
                {
                    var content = response.Value.GetProperty("content");
                    Assert.That(content.EnumerateObject().Select(c => c.Name), Is.EqualTo(new[] { "application/json" }), $"{method} {path} {response.Name}");
                    Assert.That(content.GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString(),
                        Is.EqualTo("#/components/schemas/ErrorResource"), $"{method} {path} {response.Name}");
                }
            }
        }
    }

    // The tour sees what one run produces; the writer shows every member a resource can carry, and which it always has.
    [TestCase("get", "/v1/topics/{topic}/tasks/{id}", "200", "task")]
    [TestCase("get", "/v1/topics/{topic}/tasks", "200", "tasks")]
    [TestCase("get", "/v1/topics/{topic}/promises/{id}", "200", "promise")]
    [TestCase("get", "/v1/topics/{topic}/promises", "200", "promises")]
    [TestCase("get", "/v1/topics/{topic}", "200", "topic")]
    [TestCase("get", "/v1/topics", "200", "topics")]
    [TestCase("put", "/v1/topics/{topic}/tasks", "200", "updated")]
    [TestCase("delete", "/v1/topics", "200", "deleted")]
    [TestCase("get", "/v1/topics/{topic}", "404", "error")]
    public void ResponseSchema_DescribesEveryMemberTheWriterEmits(string method, string path, string status, string resource)
    {
        var schema = _document.Operation(method, path).GetProperty("responses").GetProperty(status)
            .GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var (full, empty) = WireNames.Written[resource];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_document.Validate(full, schema), Is.Empty, $"{full}");
            Assert.That(_document.Validate(empty, schema), Is.Empty, $"{empty}");
            foreach (var name in _document.Reachable(schema))
            {
                var resolved = _document.Schemas()[name];
                var members = WireNames.Names(full).ToHashSet();
                var inputOnly = OpenApiSchema.Properties(resolved).Where(p => !members.Contains(p));
                Assert.That(inputOnly.Where(p => !OpenApiSchema.Flag(resolved.GetProperty("properties").GetProperty(p), "writeOnly")),
                    Is.Empty, $"{name}: documented, never written, not marked writeOnly");
                Assert.That(resolved.GetProperty("properties").EnumerateObject().Where(p => OpenApiSchema.Flag(p.Value, "nullable")).Select(p => p.Name),
                    Is.Empty, $"{name}: the writer omits a member rather than write null");
            }
        }
    }
}
