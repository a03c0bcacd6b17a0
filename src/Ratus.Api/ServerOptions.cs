namespace Ratus.Api;

public sealed class ServerOptions
{
    public const string SectionName = "Server";

    // 0 to 65535; zero runs no HTTP server (a chore-only instance).
    public int Port { get; set; } = 80;

    public string Bind { get; set; } = "0.0.0.0";

    public long MaxBodySize { get; set; } = 1024 * 1024;

    // Connections served at once; null derives it from the open-files limit (OpenFileLimit.DefaultMaxConnections).
    public int? MaxConnections { get; set; }
}
