namespace Ratus.Domain.Topics;

// A topic exists while at least one task carries its name. <see cref="Count"/> is filled in only for a single topic.
public sealed record Topic(string Name, long Count = 0);
