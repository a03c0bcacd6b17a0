namespace Ratus.Domain.Errors;

// Mirrors the original's sentinel errors: the message is "sentinel: detail", or the bare sentinel.
public abstract class RatusException(string sentinel, string? detail)
    : Exception(string.IsNullOrEmpty(detail) ? sentinel : $"{sentinel}: {detail}")
{
    public string Sentinel { get; } = sentinel;
}

public sealed class BadRequestException(string? detail = null) : RatusException("bad request", detail);

public sealed class NotFoundException(string? detail = null) : RatusException("not found", detail);

public sealed class ConflictException(string? detail = null) : RatusException("conflict", detail)
{
    public const string DuplicateId = "a task with the same ID already exists";
    public const string NonceMismatch = "the task may have been modified by others";
    public const string NotPending = "the target task is not in pending state";
}

public sealed class ServiceUnavailableException(string? detail = null) : RatusException("service unavailable", detail);
