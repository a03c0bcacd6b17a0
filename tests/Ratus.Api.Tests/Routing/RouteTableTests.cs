using Ratus.Api.Routing;

namespace Ratus.Api.Tests.Routing;

// The raw-path matcher on its own (docs/protocol.md §2.1, D5): segments compared in place, each decoded exactly once.
public sealed class RouteTableTests
{
    private readonly RouteTable _table = new();

    [TestCase("/v1/topics", ApiRoutes.Topics, true)]
    [TestCase("/topics", ApiRoutes.Topics, false)]
    [TestCase("/v1/topics/a/tasks/b", ApiRoutes.Task, true)]
    [TestCase("/topics/a/promises", ApiRoutes.Promises, false)]
    [TestCase("/v1/livez", ApiRoutes.Livez, true)]
    [TestCase("/v1/topics/../tasks/..", ApiRoutes.Task, true)]
    public void Match_KnownPath_NamesItsTemplateAndPrefix(string path, string template, bool prefixed)
    {
        var match = _table.Match(path);

        Assert.That(match, Is.Not.Null);
        Assert.That((match!.Template, match.Prefixed), Is.EqualTo((template, prefixed)));
    }

    [Test]
    public void Match_Parameters_DecodedOnceWithPlusKept_EmptySegmentsAllowed()
    {
        var match = _table.Match("/v1/topics//tasks/example.com%2F0%252F+x");

        Assert.That(match!.Values, Is.EqualTo(new KeyValuePair<string, string>[] { new("topic", ""), new("id", "example.com/0%2F+x") }));
    }

    [TestCase("")]
    [TestCase("/")]
    [TestCase("/v1")]
    [TestCase("/v1/nope")]
    [TestCase("/v1/topics/a/b")]
    [TestCase("/v1/topics/a/tasks/b/c")]
    [TestCase("/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s")]
    [TestCase("/v1/%74opics")]
    [TestCase("/%761/topics")]
    [TestCase("/V1/TOPICS")]
    [TestCase("/v1/topics/a/tasks/../../b")]
    public void Match_UnknownPath_IsNull(string path) => Assert.That(_table.Match(path), Is.Null);
}
