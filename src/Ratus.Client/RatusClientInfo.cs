namespace Ratus.Client;

/// <summary>Facts about the Ratus wire protocol that this client speaks.</summary>
public static class RatusClientInfo
{
    /// <summary>The API version prefix of every route.</summary>
    public const string ApiPrefix = "/v1";
}
