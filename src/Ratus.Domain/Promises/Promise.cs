using Ratus.Domain.Time;

namespace Ratus.Domain.Promises;

// A claim on a task. An empty <see cref="Id"/> is a wildcard promise: the engine picks the next due task of a topic.
public sealed record Promise(string Id, string? Consumer, Timestamp? Deadline);
