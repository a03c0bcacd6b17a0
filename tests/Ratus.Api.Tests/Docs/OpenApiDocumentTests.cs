using System.Collections;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Ratus.Api.Tests.Support;
using static Ratus.Api.Tests.Support.Wire;

namespace Ratus.Api.Tests.Docs;

// The OpenAPI document against the wire, checked mechanically: the query parameters each route reads, the request
// bodies its wire reader takes, and the member names the server's own writer and reader use.
public sealed class OpenApiDocumentTests
{
    private const string ProbeHeader = "X-Query-Probe";

    // The operations with a body, and the reader the body binder gives each one.
    private static readonly Dictionary<(string Method, string Path), string> BodyReaders = new()
    {
        [("post", "/v1/topics/{topic}/tasks")] = "tasks",
        [("put", "/v1/topics/{topic}/tasks")] = "tasks",
        [("post", "/v1/topics/{topic}/tasks/{id}")] = "task",
        [("put", "/v1/topics/{topic}/tasks/{id}")] = "task",
        [("patch", "/v1/topics/{topic}/tasks/{id}")] = "commit",
        [("post", "/v1/topics/{topic}/promises")] = "promise",
        [("post", "/v1/topics/{topic}/promises/{id}")] = "promise",
        [("put", "/v1/topics/{topic}/promises/{id}")] = "promise",
    };

    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _queryReads = new();
    private RatusApiFactory _factory = null!;
    private HttpClient _client = null!;
    private OpenApiSchema _document = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new RatusApiFactory(services: s => s.AddSingleton<IStartupFilter>(new QueryRecorder(_queryReads)));
        _client = _factory.CreateRawClient();
        _document = new OpenApiSchema(await (await _client.SendAsync("GET", "/openapi.json")).JsonAsync());
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    // Each operation is sent with every query parameter the document gives it; the server must look up each one, and
    // look up no other (the wire body binder once showed up as `?task=…&tasks=…&promise=…&commit=…`).
    [Test]
    public async Task EveryOperation_DocumentsExactlyTheQueryParametersItsRouteReads()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var (method, path, operation) in _document.Operations())
            {
                var documented = Parameters(operation, "query").Select(p => p.GetProperty("name").GetString()!).ToArray();
                var query = string.Join("&", Parameters(operation, "query").Select(p =>
                    $"{Uri.EscapeDataString(p.GetProperty("name").GetString()!)}={Uri.EscapeDataString(QuerySample(p.GetProperty("schema")))}"));
                var reads = await SendAsync(method, path, query, BodyReaders.ContainsKey((method, path)) ? "{}" : null);

                Assert.That(reads, Is.SupersetOf(documented), $"{method} {path}: documented but not read");
                Assert.That(reads, Is.SubsetOf(documented), $"{method} {path}: read but not documented");
            }
        }
    }

    [Test]
    public void RequestBodies_AreTheOnesTheWireReaderTakes()
    {
        var withBody = _document.Operations().Where(o => o.Operation.TryGetProperty("requestBody", out _)).Select(o => (o.Method, o.Path));
        Assert.That(withBody, Is.EquivalentTo(BodyReaders.Keys));

        using (Assert.EnterMultipleScope())
        {
            foreach (var ((method, path), reader) in BodyReaders)
            {
                var content = _document.Operation(method, path).GetProperty("requestBody").GetProperty("content");
                Assert.That(content.EnumerateObject().Select(c => c.Name), Is.EqualTo(new[] { "application/json" }), $"{method} {path}");
                var schema = _document.Resolve(content.GetProperty("application/json").GetProperty("schema"));
                var properties = schema.GetProperty("properties");
                var filled = new HashSet<string>();
                foreach (var property in properties.EnumerateObject())
                {
                    var sample = Sample(property.Value);
                    Assert.That(WireNames.Reads(reader, property.Name, sample), Is.True, $"{method} {path}: `{property.Name}` is not read");
                    filled.UnionWith(WireNames.Fills(reader, property.Name, sample));
                }

                Assert.That(filled, Is.EquivalentTo(WireNames.DraftMembers(reader)), $"{method} {path}: members the body cannot set");
                Assert.That(OpenApiSchema.Required(schema), Is.Empty, $"{method} {path}: every member of a body is optional");
            }
        }
    }

    [TestCase("TaskResource")]
    [TestCase("CommitResource")]
    public void Payload_IsAnyJsonValue(string schema)
    {
        var payload = _document.Schemas()[schema].GetProperty("properties").GetProperty("payload");

        Assert.That(payload.EnumerateObject().Select(p => p.Name), Has.None.AnyOf("type", "format", "$ref", "nullable"));
    }

    // Every property of every schema is a member the writer emits or the reader takes; no internal model leaks.
    [Test]
    public void EverySchemaProperty_IsAWireName()
    {
        var written = WireNames.AllWritten();
        using (Assert.EnterMultipleScope())
        {
            foreach (var (name, schema) in _document.Schemas())
            {
                Assert.That(name, Does.Not.EndWith("Draft"));
                foreach (var property in schema.TryGetProperty("properties", out var properties) ? properties.EnumerateObject() : default)
                {
                    var read = WireNames.Readers.Keys.Any(r => WireNames.Reads(r, property.Name, Sample(property.Value)));
                    Assert.That(written.Contains(property.Name) || read, Is.True, $"{name}.{property.Name} is not a wire name");
                }
            }
        }
    }

    // The Swagger 2.0 document comes from the same description: the same parameters, no internal models.
    [Test]
    public async Task SwaggerDocument_HasTheSameParameters()
    {
        var swagger = await (await _client.SendAsync("GET", "/swagger.json")).JsonAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(swagger.GetProperty("definitions").EnumerateObject().Select(d => d.Name), Has.None.EndsWith("Draft"));
            foreach (var (method, path, operation) in _document.Operations())
            {
                var expected = Parameters(operation, "query").Select(p => p.GetProperty("name").GetString());
                var actual = Parameters(swagger.GetProperty("paths").GetProperty(path).GetProperty(method), "query")
                    .Select(p => p.GetProperty("name").GetString());
                Assert.That(actual, Is.EquivalentTo(expected), $"{method} {path}");
            }
        }
    }

    private static IEnumerable<JsonElement> Parameters(JsonElement operation, string location) =>
        operation.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == location)
            : [];

    private static string QuerySample(JsonElement schema) => OpenApiSchema.Type(schema) switch
    {
        "integer" => "1",
        _ when schema.TryGetProperty("format", out var f) && f.GetString() == "date-time" => "2030-01-01T00:00:00Z",
        _ => "x",
    };

    // A valid JSON value of a property's documented type.
    private string Sample(JsonElement schema)
    {
        schema = _document.Resolve(schema);
        return OpenApiSchema.Type(schema) switch
        {
            "string" when schema.TryGetProperty("format", out var f) && f.GetString() == "date-time" => "\"2030-01-01T00:00:00Z\"",
            "string" when schema.TryGetProperty("format", out var f) && f.GetString() == "byte" => "\"eA==\"",
            "string" => "\"x\"",
            "integer" => "1",
            "array" => "[{}]",
            "object" => "{}",
            _ => """{"k":1}""",
        };
    }

    private async Task<string[]> SendAsync(string method, string path, string query, string? body)
    {
        var probe = Guid.NewGuid().ToString("N");
        var url = path.Replace("{topic}", Unique("topic"), StringComparison.Ordinal).Replace("{id}", Unique("id"), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), query.Length == 0 ? url : $"{url}?{query}");
        request.Headers.Add(ProbeHeader, probe);
        if (body is not null)
        {
            request.Content = new StringContent(body);
        }

        using var response = await _client.SendAsync(request);
        Assert.That(response.StatusCode, Is.Not.AnyOf(HttpStatusCode.InternalServerError, HttpStatusCode.MethodNotAllowed), $"{method} {url}");
        return _queryReads.TryRemove(probe, out var reads) ? [.. reads.Distinct()] : [];
    }

    // Puts a query collection that records every key looked up in front of the whole pipeline.
    private sealed class QueryRecorder(ConcurrentDictionary<string, ConcurrentQueue<string>> reads) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(ProbeHeader, out var probe))
                {
                    var log = reads.GetOrAdd(probe.ToString(), _ => new ConcurrentQueue<string>());
                    context.Features.Set<IQueryFeature>(new RecordingQueryFeature(new RecordingQuery(context.Request.Query, log)));
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class RecordingQueryFeature(IQueryCollection query) : IQueryFeature
    {
        public IQueryCollection Query { get; set; } = query;
    }

    private sealed class RecordingQuery(IQueryCollection inner, ConcurrentQueue<string> reads) : IQueryCollection
    {
        public StringValues this[string key]
        {
            get
            {
                reads.Enqueue(key);
                return inner[key];
            }
        }

        public int Count => inner.Count;

        public ICollection<string> Keys => inner.Keys;

        public bool ContainsKey(string key)
        {
            reads.Enqueue(key);
            return inner.ContainsKey(key);
        }

        public bool TryGetValue(string key, out StringValues value)
        {
            reads.Enqueue(key);
            return inner.TryGetValue(key, out value);
        }

        public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() => inner.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
