using System.Text.RegularExpressions;
using Ratus.Client;
using Ratus.Samples.Worker;

namespace Ratus.Samples.Tests;

/// The README's "Use from .NET" code is samples/Ratus.Samples.Worker/ReadmeSnippets.cs, shown verbatim and run here.
[NonParallelizable]
public sealed partial class ReadmeSnippetsTests
{
    private static readonly string Root = RepositoryRoot.Path;

    [Test]
    public void Readme_ShowsEverySnippetVerbatimInACodeBlock()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md")).ReplaceLineEndings("\n");
        var snippets = Snippets();

        Assert.That(snippets.Keys, Is.EquivalentTo(new[] { "register", "payload", "produce", "poll", "subscribe" }));
        Assert.Multiple(() =>
        {
            foreach (var (name, code) in snippets)
            {
                Assert.That(readme, Does.Contain($"```csharp\n{code}\n```"), $"README.md does not show the snippet \"{name}\" as it is in ReadmeSnippets.cs");
            }
        });
    }

    [Test]
    public void Register_ResolvesTheClient()
    {
        var services = new ServiceCollection();

        var builder = ReadmeSnippets.Register(services);
        using var provider = services.BuildServiceProvider();

        Assert.Multiple(() =>
        {
            Assert.That(builder, Is.Not.Null);
            Assert.That(provider.GetRequiredService<IRatusClient>(), Is.Not.Null);
        });
    }

    [Test]
    public async Task ProduceThenPoll_SendsTheEmailAndCompletesTheTask()
    {
        var client = SampleServer.Client;

        await ReadmeSnippets.ProduceAsync(client, CancellationToken.None);
        await ReadmeSnippets.ConsumeOneAsync(client, CancellationToken.None);

        var task = await client.GetTaskAsync("email-42");
        Assert.Multiple(() =>
        {
            Assert.That(task.State, Is.EqualTo(TaskState.Completed));
            Assert.That(task.GetPayload<ReadmeSnippets.Email>(), Is.EqualTo(new ReadmeSnippets.Email("ada@example.com", "Welcome")));
            Assert.That(ReadmeSnippets.Sent, Does.Contain(new ReadmeSnippets.Email("ada@example.com", "Welcome")));
        });

        // Nothing else is due: the poll snippet returns without a lease.
        Assert.DoesNotThrowAsync(() => ReadmeSnippets.ConsumeOneAsync(client, CancellationToken.None));
    }

    [Test]
    public async Task Subscribe_SendsAndCompletesEachTask_AndStopsOnCancellation()
    {
        var client = SampleServer.Client;
        var email = new ReadmeSnippets.Email("grace@example.com", "Hello");
        await client.InsertTaskAsync(new RatusTask { Id = "email-43", Topic = "emails", Payload = RatusPayload.From(email) });

        using var stop = new CancellationTokenSource();
        var subscription = ReadmeSnippets.ConsumeAllAsync(client, stop.Token);
        RatusTask task;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(100);
            task = await client.GetTaskAsync("email-43");
        }
        while (task.State != TaskState.Completed && DateTime.UtcNow < deadline);

        await stop.CancelAsync();
        Assert.Multiple(() =>
        {
            Assert.That(task.State, Is.EqualTo(TaskState.Completed));
            Assert.That(task.Consumer, Is.EqualTo("mailer"));
            Assert.That(ReadmeSnippets.Sent, Does.Contain(email));
        });
        Assert.That(subscription.Wait(TimeSpan.FromSeconds(30)), Is.True, "the subscription did not stop on cancellation");
    }

    /// The snippets of ReadmeSnippets.cs by name, each without its common indentation.
    private static Dictionary<string, string> Snippets()
    {
        var source = File.ReadAllText(Path.Combine(Root, "samples", "Ratus.Samples.Worker", "ReadmeSnippets.cs")).ReplaceLineEndings("\n");
        return SnippetPattern().Matches(source).ToDictionary(m => m.Groups["name"].Value, m => Dedent(m.Groups["code"].Value));
    }

    private static string Dedent(string code)
    {
        var lines = code.Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    [GeneratedRegex(@"^[ \t]*// snippet: (?<name>\S+)\n(?<code>.*?)\n[ \t]*// end snippet", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex SnippetPattern();
}
