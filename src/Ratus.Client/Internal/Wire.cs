using System.Text.Json.Serialization;

namespace Ratus.Client.Internal;

/// <summary>The <c>{"data":[...]}</c> list wrapper of the wire.</summary>
internal sealed class DataList<T>
{
    [JsonPropertyName("data")]
    public List<T>? Data { get; set; }
}

/// <summary>The <c>{"error":{"code","message"}}</c> envelope of every error response.</summary>
internal sealed class ErrorEnvelope
{
    [JsonPropertyName("error")]
    public ErrorBody? Error { get; set; }
}

internal sealed class ErrorBody
{
    [JsonPropertyName("code")]
    public int Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RatusTask))]
[JsonSerializable(typeof(Promise))]
[JsonSerializable(typeof(Commit))]
[JsonSerializable(typeof(Topic))]
[JsonSerializable(typeof(UpdateResult))]
[JsonSerializable(typeof(DeleteResult))]
[JsonSerializable(typeof(DataList<RatusTask>))]
[JsonSerializable(typeof(DataList<Promise>))]
[JsonSerializable(typeof(DataList<Topic>))]
[JsonSerializable(typeof(ErrorEnvelope))]
internal sealed partial class RatusJsonContext : JsonSerializerContext;
