namespace Ratus.Api.Routing;

// Route templates of the API. Controllers are declared under /v1 only (that is what the OpenAPI document
// describes); RawPathRouter serves each of them at the root as well.
public static class ApiRoutes
{
    public const string Prefix = "v1";
    public const string Topics = "v1/topics";
    public const string Topic = "v1/topics/{topic}";
    public const string Tasks = "v1/topics/{topic}/tasks";
    public const string Task = "v1/topics/{topic}/tasks/{id}";
    public const string Promises = "v1/topics/{topic}/promises";
    public const string Promise = "v1/topics/{topic}/promises/{id}";
    public const string Livez = "v1/livez";
    public const string Healthz = "v1/healthz";
    public const string Readyz = "v1/readyz";
    public const string Metrics = "v1/metrics";

    public static readonly string[] All = [Topics, Topic, Tasks, Task, Promises, Promise, Livez, Healthz, Readyz, Metrics];
}
