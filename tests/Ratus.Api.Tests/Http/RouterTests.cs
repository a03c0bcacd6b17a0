using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Ratus.Api.Tests.Support;
using static Ratus.Api.Tests.Support.Wire;

namespace Ratus.Api.Tests.Http;

// docs/protocol.md §7.1 (router and documents), §2.1 (prefixes, trailing slashes, CORS, gzip), D7 (405 with Allow).
public sealed class RouterTests : ApiTestBase
{
    private const string NotFoundBody = """{"error":{"code":404,"message":"not found"}}""";

    [Test]
    public async Task EveryReadRoute_AnswersTheSameAtTheRootAsUnderV1()
    {
        var topic = Unique("topic");
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", "{}");
        await Client.SendAsync("POST", $"/v1/topics/{topic}/promises", """{"consumer":"c"}""");

        foreach (var path in new[]
        {
            "/topics", $"/topics/{topic}", $"/topics/{topic}/tasks", $"/topics/{topic}/tasks/{id}",
            $"/topics/{topic}/promises", $"/topics/{topic}/promises/{id}", "/livez", "/healthz", "/readyz",
        })
        {
            var root = await Client.SendAsync("GET", path);
            var v1 = await Client.SendAsync("GET", "/v1" + path);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(root.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
                Assert.That(v1.StatusCode, Is.EqualTo(HttpStatusCode.OK), "/v1" + path);
                Assert.That(await root.Content.ReadAsStringAsync(), Is.EqualTo(await v1.Content.ReadAsStringAsync()), path);
            }
        }

        foreach (var path in new[] { "/metrics", "/v1/metrics" })
        {
            var metrics = await Client.SendAsync("GET", path);
            Assert.That(metrics.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        }
    }

    [Test]
    public async Task EveryWriteRoute_IsServedAtTheRoot()
    {
        var topic = Unique("topic");
        var id = Unique("id");
        var other = Unique("id");
        await AssertExactAsync(await Client.SendAsync("POST", $"/topics/{topic}/tasks/{id}", "{}"), HttpStatusCode.Created, """{"created":1,"updated":0}""");
        await AssertExactAsync(await Client.SendAsync("PUT", $"/topics/{topic}/tasks/{id}", "{}"), HttpStatusCode.OK, """{"created":0,"updated":1}""");
        await AssertExactAsync(await Client.SendAsync("POST", $"/topics/{topic}/tasks", $$"""{"data":[{"_id":"{{other}}"}]}"""), HttpStatusCode.Created, """{"created":1,"updated":0}""");
        await AssertExactAsync(await Client.SendAsync("PUT", $"/topics/{topic}/tasks", $$"""{"data":[{"_id":"{{other}}"}]}"""), HttpStatusCode.OK, """{"created":0,"updated":1}""");
        Assert.That((await Client.SendAsync("POST", $"/topics/{topic}/promises")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Client.SendAsync("PUT", $"/topics/{topic}/promises/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Client.SendAsync("POST", $"/topics/{topic}/promises/{other}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await AssertExactAsync(await Client.SendAsync("DELETE", $"/topics/{topic}/promises/{id}"), HttpStatusCode.OK, """{"deleted":1}""");
        await AssertExactAsync(await Client.SendAsync("DELETE", $"/topics/{topic}/promises"), HttpStatusCode.OK, """{"deleted":1}""");
        Assert.That((await Client.SendAsync("PATCH", $"/topics/{topic}/tasks/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await AssertExactAsync(await Client.SendAsync("DELETE", $"/topics/{topic}/tasks/{id}"), HttpStatusCode.OK, """{"deleted":1}""");
        await AssertExactAsync(await Client.SendAsync("DELETE", $"/topics/{topic}/tasks"), HttpStatusCode.OK, """{"deleted":1}""");
        await AssertExactAsync(await Client.SendAsync("DELETE", $"/topics/{topic}"), HttpStatusCode.OK, """{"deleted":0}""");

        await using var isolated = new RatusApiFactory();
        using var client = isolated.CreateRawClient();
        await client.SendAsync("POST", $"/topics/{topic}/tasks/{id}", "{}");
        await AssertExactAsync(await client.SendAsync("DELETE", "/topics"), HttpStatusCode.OK, """{"deleted":1}""");
    }

    [Test]
    public async Task UnknownPath_WithGzipAccepted_Is404GzipEncodedJsonEnvelope()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/404");
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        var response = await Client.SendAsync(request);

        await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var body = await reader.ReadToEndAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(response.Content.Headers.ContentEncoding, Is.EqualTo(new[] { "gzip" }));
            Assert.That(response.Headers.Vary, Does.Contain("Accept-Encoding"));
            Assert.That(body, Is.EqualTo(NotFoundBody));
        }
    }

    [TestCase("/nope")]
    [TestCase("/v1/nope")]
    [TestCase("/v1")]
    [TestCase("/v1/")]
    [TestCase("/v1/topics/a/b")]
    [TestCase("/v1/topics/a/tasks/b/c")]
    public async Task UnknownPath_Is404Envelope(string path) =>
        await AssertExactAsync(await Client.SendAsync("GET", path), HttpStatusCode.NotFound, NotFoundBody);

    [TestCase("PATCH", "/v1/topics", "GET, DELETE")]
    [TestCase("POST", "/topics", "GET, DELETE")]
    [TestCase("PUT", "/v1/topics/x/promises", "GET, POST, DELETE")]
    [TestCase("PATCH", "/v1/topics/x/tasks", "GET, POST, PUT, DELETE")]
    [TestCase("POST", "/v1/livez", "GET")]
    public async Task WrongMethodOnKnownPath_Is405WithAllowAndEnvelope(string method, string path, string allowed)
    {
        var response = await Client.SendAsync(method, path);

        await AssertErrorAsync(response, HttpStatusCode.MethodNotAllowed);
        var allow = response.Content.Headers.Allow.SelectMany(a => a.Split(',', StringSplitOptions.TrimEntries)).ToArray();
        Assert.That(allow, Is.EquivalentTo(allowed.Split(", ")));
    }

    [Test]
    public async Task TrailingSlash_RedirectsGetWith301AndOtherMethodsWith307()
    {
        var get = await Client.SendAsync("GET", "/v1/topics/");
        var post = await Client.SendAsync("POST", "/v1/topics/x/tasks/", """{"data":[]}""");
        var root = await Client.SendAsync("GET", "/topics/x/");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.MovedPermanently));
            Assert.That(get.Headers.Location?.OriginalString, Is.EqualTo("/v1/topics"));
            Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect));
            Assert.That(post.Headers.Location?.OriginalString, Is.EqualTo("/v1/topics/x/tasks"));
            Assert.That(root.StatusCode, Is.EqualTo(HttpStatusCode.MovedPermanently));
            Assert.That(root.Headers.Location?.OriginalString, Is.EqualTo("/topics/x"));
        }
    }

    [Test]
    public async Task Cors_RequestWithOriginIsAllowedFromAnywhere()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/livez");
        request.Headers.Add("Origin", "https://example.com");
        var response = await Client.SendAsync(request);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { "*" }));
        }
    }

    [Test]
    public async Task Cors_ErrorResponsesAreAllowedFromAnywhereToo()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/topics/t/tasks/{Unique("id")}");
        request.Headers.Add("Origin", "https://example.com");
        var response = await Client.SendAsync(request);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "bad request: missing request body");
        Assert.That(response.Headers.TryGetValues("Access-Control-Allow-Origin", out var origin) ? origin : [], Is.EqualTo(new[] { "*" }));
    }

    [Test]
    public async Task Cors_Preflight_Is204WithTheOriginalsHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/v1/topics/t/tasks");
        request.Headers.Add("Origin", "https://example.com");
        request.Headers.Add("Access-Control-Request-Method", "PUT");
        var response = await Client.SendAsync(request);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { "*" }));
            Assert.That(response.Headers.GetValues("Access-Control-Allow-Methods"), Is.EqualTo(new[] { "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS" }));
            Assert.That(response.Headers.GetValues("Access-Control-Allow-Headers"), Is.EqualTo(new[] { "Origin,Content-Length,Content-Type" }));
            Assert.That(response.Headers.GetValues("Access-Control-Max-Age"), Is.EqualTo(new[] { "43200" }));
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.Empty);
        }
    }

    [Test]
    public async Task SwaggerUi_IsServedAtTheRoot()
    {
        var response = await Client.SendAsync("GET", "/");
        var html = await response.Content.ReadAsStringAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(html, Does.Contain("</head>"));
            Assert.That(html, Does.Contain("<title>Ratus API Specification</title>"));
        }

        var swagger = await Client.SendAsync("GET", "/swagger");
        Assert.That((int)swagger.StatusCode, Is.EqualTo(200).Or.InRange(301, 308));
        if ((int)swagger.StatusCode is >= 301 and <= 308)
        {
            var location = new Uri(new Uri("http://localhost/swagger"), swagger.Headers.Location!).PathAndQuery;
            var target = await Client.SendAsync("GET", location);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(target.StatusCode, Is.EqualTo(HttpStatusCode.OK), location);
                Assert.That(await target.Content.ReadAsStringAsync(), Does.Contain("Ratus API Specification"));
            }
        }
    }

    [TestCase("/openapi.json", "\"openapi\":", "application/json")]
    [TestCase("/openapi.yaml", "openapi: ", null)]
    [TestCase("/swagger.json", "\"swagger\":", "application/json")]
    [TestCase("/swagger.yaml", "swagger: ", null)]
    [TestCase("/swagger/v1/swagger.json", "\"openapi\":", "application/json")]
    public async Task ApiDocuments_AreServed(string path, string marker, string? mediaType)
    {
        var response = await Client.SendAsync("GET", path);
        var text = await response.Content.ReadAsStringAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(text.Replace("\": ", "\":", StringComparison.Ordinal), Does.Contain(marker));
            if (mediaType is not null)
            {
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(mediaType));
            }
        }
    }

    [Test]
    public async Task OpenApiDocument_DescribesEveryRouteWithItsBodies()
    {
        var document = await (await Client.SendAsync("GET", "/openapi.json")).JsonAsync();
        var paths = document.GetProperty("paths");
        var expected = new Dictionary<string, string[]>
        {
            ["/v1/topics"] = ["get", "delete"],
            ["/v1/topics/{topic}"] = ["get", "delete"],
            ["/v1/topics/{topic}/tasks"] = ["get", "post", "put", "delete"],
            ["/v1/topics/{topic}/tasks/{id}"] = ["get", "post", "put", "delete", "patch"],
            ["/v1/topics/{topic}/promises"] = ["get", "post", "delete"],
            ["/v1/topics/{topic}/promises/{id}"] = ["get", "post", "put", "delete"],
            ["/v1/livez"] = ["get"],
            ["/v1/healthz"] = ["get"],
            ["/v1/readyz"] = ["get"],
            ["/v1/metrics"] = ["get"],
        };

        using (Assert.EnterMultipleScope())
        {
            foreach (var (path, methods) in expected)
            {
                Assert.That(paths.TryGetProperty(path, out var item), Is.True, path);
                if (!paths.TryGetProperty(path, out item))
                {
                    continue;
                }

                Assert.That(item.EnumerateObject().Select(p => p.Name).Where(n => n != "parameters"), Is.EquivalentTo(methods), path);
                foreach (var method in methods.Where(m => item.TryGetProperty(m, out _)))
                {
                    var responses = item.GetProperty(method).GetProperty("responses");
                    Assert.That(responses.TryGetProperty("200", out _) || responses.TryGetProperty("201", out _), Is.True, $"{method} {path}");
                }
            }

            foreach (var (path, method, required) in new[]
            {
                ("/v1/topics/{topic}/tasks", "post", true), ("/v1/topics/{topic}/tasks", "put", true),
                ("/v1/topics/{topic}/tasks/{id}", "post", true), ("/v1/topics/{topic}/tasks/{id}", "put", true),
                ("/v1/topics/{topic}/tasks/{id}", "patch", false),
                ("/v1/topics/{topic}/promises", "post", false),
                ("/v1/topics/{topic}/promises/{id}", "post", false), ("/v1/topics/{topic}/promises/{id}", "put", false),
            })
            {
                var operation = paths.GetProperty(path).GetProperty(method);
                Assert.That(operation.TryGetProperty("requestBody", out var body), Is.True, $"{method} {path} body");
                if (body.ValueKind == JsonValueKind.Object)
                {
                    Assert.That(body.GetProperty("content").GetProperty("application/json").TryGetProperty("schema", out _), Is.True, $"{method} {path}");
                    Assert.That(body.TryGetProperty("required", out var r) && r.GetBoolean(), Is.EqualTo(required), $"{method} {path} required");
                }
            }

            foreach (var (path, method, status) in new[]
            {
                ("/v1/topics", "get", "200"), ("/v1/topics", "delete", "200"), ("/v1/topics/{topic}", "get", "200"),
                ("/v1/topics/{topic}/tasks", "get", "200"), ("/v1/topics/{topic}/tasks", "post", "201"),
                ("/v1/topics/{topic}/tasks/{id}", "get", "200"), ("/v1/topics/{topic}/tasks/{id}", "patch", "200"),
                ("/v1/topics/{topic}/tasks/{id}", "put", "200"), ("/v1/topics/{topic}/promises", "get", "200"),
                ("/v1/topics/{topic}/promises", "post", "200"), ("/v1/topics/{topic}/promises/{id}", "get", "200"),
                ("/v1/topics/{topic}/promises/{id}", "delete", "200"),
            })
            {
                var response = paths.GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty(status);
                Assert.That(response.TryGetProperty("content", out var content) && content.TryGetProperty("application/json", out var json)
                    && json.TryGetProperty("schema", out _), Is.True, $"{method} {path} {status} schema");
            }
        }
    }
}
