namespace Ratus.Samples.Worker;

/// <summary>What the worker consumes, read from the "Ratus" section next to the client's own settings
/// (BaseAddress, Consumer).</summary>
public sealed class WorkerOptions
{
    /// <summary>The topic to consume; required.</summary>
    public string Topic { get; set; } = "";

    /// <summary>How many tasks are handled at once, 1 or more.</summary>
    public int Concurrency { get; set; } = 1;
}
