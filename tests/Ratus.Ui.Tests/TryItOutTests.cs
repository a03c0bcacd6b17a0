using System.Net;
using System.Text;
using Microsoft.Playwright;

namespace Ratus.Ui.Tests;

// "Try it out" in Swagger UI, one operation or more per controller: the request the browser sends is the wire request
// (path, the query the route reads, the JSON body), and the page shows the server's answer. The document once gave
// every write a query parameter named after an internal model, so the browser sent `?id=string&topic=string&…` and
// got 400.
public sealed class TryItOutTests
{
    private static readonly string ScreenshotDirectory = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");

    private IBrowserContext _context = null!;
    private SwaggerUiPage _ui = null!;
    private HttpClient _http = null!;

    [SetUp]
    public async Task OpenSwaggerUi()
    {
        _context = await UiServer.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        _ui = new SwaggerUiPage(await _context.NewPageAsync());
        await _ui.OpenAsync();
        _http = new HttpClient { BaseAddress = new Uri(UiServer.Origin) };
    }

    [TearDown]
    public async Task Close()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            Directory.CreateDirectory(ScreenshotDirectory);
            var path = Path.Combine(ScreenshotDirectory, $"failed-{TestContext.CurrentContext.Test.Name}.png");
            await _ui.Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            TestContext.AddTestAttachment(path);
        }

        _http.Dispose();
        await _context.CloseAsync();
    }

    [Test]
    public async Task Tasks_InsertTask_SendsTheExampleBodyWithoutQuery()
    {
        var (topic, id) = (Unique("topic"), Unique("id"));

        var execution = await _ui.TryItOutAsync("Tasks-post_v1_topics__topic__tasks__id_",
            new Dictionary<(string, string), string> { [("topic", "path")] = topic, [("id", "path")] = id });
        await ScreenshotAsync(execution, "swagger-try-it-out.png");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(execution.Request.Method, Is.EqualTo("POST"));
            Assert.That(execution.Request.Url, Is.EqualTo($"{UiServer.Origin}/v1/topics/{topic}/tasks/{id}"));
            Assert.That(Compact(execution.Request.PostData!), Is.EqualTo(Compact("""{"payload":{"greeting":"hello world"}}""")));
            Assert.That(execution.Response.Status, Is.EqualTo(201));
            Assert.That(execution.ShownStatus, Is.EqualTo("201"));
            Assert.That(Compact(execution.ShownBody), Is.EqualTo("""{"created":1,"updated":0}"""));
        }

        var stored = SwaggerUiPage.Json(await _http.GetStringAsync($"/v1/topics/{topic}/tasks/{id}"));
        Assert.That(Compact(stored.GetProperty("payload").GetRawText()), Is.EqualTo("""{"greeting":"hello world"}"""));
    }

    [Test]
    public async Task Tasks_InsertExistingTask_ShowsTheErrorEnvelope()
    {
        var (topic, id) = (Unique("topic"), Unique("id"));
        await PushAsync(topic, id);

        var execution = await _ui.TryItOutAsync("Tasks-post_v1_topics__topic__tasks__id_",
            new Dictionary<(string, string), string> { [("topic", "path")] = topic, [("id", "path")] = id },
            """{"_id":"%ID%","payload":[1,2,3]}""".Replace("%ID%", id, StringComparison.Ordinal));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(execution.Request.Url, Is.EqualTo($"{UiServer.Origin}/v1/topics/{topic}/tasks/{id}"));
            Assert.That(execution.ShownStatus, Is.EqualTo("409"));
            Assert.That(Compact(execution.ShownBody), Is.EqualTo("""{"error":{"code":409,"message":"conflict: a task with the same ID already exists"}}"""));
        }
    }

    [Test]
    public async Task Tasks_Commit_SendsTheNonceItIsGiven()
    {
        var (topic, id) = (Unique("topic"), Unique("id"));
        await PushAsync(topic, id);
        using var claim = await _http.PostAsync($"/v1/topics/{topic}/promises/{id}?consumer=ui", null);
        var nonce = SwaggerUiPage.Json(await claim.Content.ReadAsStringAsync()).GetProperty("nonce").GetString()!;

        var execution = await _ui.TryItOutAsync("Tasks-patch_v1_topics__topic__tasks__id_",
            new Dictionary<(string, string), string> { [("topic", "path")] = topic, [("id", "path")] = id },
            $$"""{"nonce":"{{nonce}}","state":3}""");

        var task = SwaggerUiPage.Json(execution.ShownBody);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(execution.Request.Method, Is.EqualTo("PATCH"));
            Assert.That(execution.Request.Url, Is.EqualTo($"{UiServer.Origin}/v1/topics/{topic}/tasks/{id}"));
            Assert.That(execution.ShownStatus, Is.EqualTo("200"));
            Assert.That(task.GetProperty("_id").GetString(), Is.EqualTo(id));
            Assert.That(task.GetProperty("state").GetInt32(), Is.EqualTo(3));
            Assert.That(task.GetProperty("nonce").GetString(), Is.Empty);
        }
    }

    // The promise routes read _id, consumer, deadline and timeout from the query as well as from the body; a value in
    // the query wins.
    [Test]
    public async Task Promises_Poll_SendsTheQueryItReadsAndTheBody()
    {
        var (topic, id) = (Unique("topic"), Unique("id"));
        await PushAsync(topic, id);

        var execution = await _ui.TryItOutAsync("Promises-post_v1_topics__topic__promises",
            new Dictionary<(string, string), string> { [("topic", "path")] = topic, [("consumer", "query")] = "ui-worker" });
        await ScreenshotAsync(execution, "swagger-try-it-out-promise.png");

        var task = SwaggerUiPage.Json(execution.ShownBody);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(execution.Request.Url, Is.EqualTo($"{UiServer.Origin}/v1/topics/{topic}/promises?consumer=ui-worker"));
            Assert.That(Compact(execution.Request.PostData!), Is.EqualTo(Compact("""{"consumer":"worker-1","timeout":"30s"}""")));
            Assert.That(execution.ShownStatus, Is.EqualTo("200"));
            Assert.That(task.GetProperty("_id").GetString(), Is.EqualTo(id));
            Assert.That(task.GetProperty("state").GetInt32(), Is.EqualTo(1));
            Assert.That(task.GetProperty("consumer").GetString(), Is.EqualTo("ui-worker"));
            Assert.That(task.GetProperty("nonce").GetString(), Has.Length.EqualTo(16));
        }
    }

    [Test]
    public async Task Topics_GetTopic_ShowsItsCount()
    {
        var topic = Unique("topic");
        await PushAsync(topic, Unique("id"));
        await PushAsync(topic, Unique("id"));

        var execution = await _ui.TryItOutAsync("Topics-get_v1_topics__topic_",
            new Dictionary<(string, string), string> { [("topic", "path")] = topic });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(execution.Request.Method, Is.EqualTo("GET"));
            Assert.That(execution.Request.Url, Is.EqualTo($"{UiServer.Origin}/v1/topics/{topic}"));
            Assert.That(execution.ShownStatus, Is.EqualTo("200"));
            Assert.That(Compact(execution.ShownBody), Is.EqualTo($$"""{"name":"{{topic}}","count":2}"""));
        }
    }

    [Test]
    public async Task Topics_List_SendsThePageAsIntegers()
    {
        await PushAsync(Unique("topic"), Unique("id"));

        var execution = await _ui.TryItOutAsync("Topics-get_v1_topics",
            new Dictionary<(string, string), string> { [("limit", "query")] = "1", [("offset", "query")] = "0" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(execution.Request.Url, Is.EqualTo($"{UiServer.Origin}/v1/topics?limit=1&offset=0"));
            Assert.That(execution.ShownStatus, Is.EqualTo("200"));
            Assert.That(SwaggerUiPage.Json(execution.ShownBody).GetProperty("data").GetArrayLength(), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task Health_Readyz_AnswersWithAnEmptyBody()
    {
        var execution = await _ui.TryItOutAsync("Health-get_v1_readyz", new Dictionary<(string, string), string>());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(execution.Request.Url, Is.EqualTo($"{UiServer.Origin}/v1/readyz"));
            Assert.That(execution.ShownStatus, Is.EqualTo("200"));
            Assert.That(execution.ShownBody, Is.Empty);
        }
    }

    // Short, so that the screenshots stay readable.
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    private static string Compact(string json) => SwaggerUiPage.Compact(json);

    private async Task PushAsync(string topic, string id)
    {
        using var response = await _http.PostAsync($"/v1/topics/{topic}/tasks/{id}", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    // Kept with the test results (docs/images holds copies), so that a reader can see what the test saw.
    private async Task ScreenshotAsync(Execution execution, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, name);
        // From the operation's header to the end of "Server response", leaving out the documented responses below.
        // Scrolled to the top, the boxes' coordinates are the page's, as a full-page clip takes them.
        await _ui.Page.EvaluateAsync("window.scrollTo(0, 0)");
        var top = await execution.Block.BoundingBoxAsync();
        var bottom = await execution.Block.Locator(".live-responses-table").BoundingBoxAsync();
        await _ui.Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = path,
            FullPage = true,
            Clip = new Clip { X = top!.X, Y = top.Y, Width = top.Width, Height = bottom!.Y + bottom.Height - top.Y },
        });
        TestContext.AddTestAttachment(path);
    }
}
