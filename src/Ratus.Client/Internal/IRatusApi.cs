using Refit;

namespace Ratus.Client.Internal;

/// <summary>Every route of the Ratus API, with the paths the Go client sends (by-ID calls use the empty topic segment).</summary>
internal interface IRatusApi
{
    [Get("/v1/topics")]
    Task<DataList<Topic>> ListTopics([Query] int limit, [Query] int offset, CancellationToken cancellationToken);

    [Delete("/v1/topics")]
    Task<DeleteResult> DeleteTopics(CancellationToken cancellationToken);

    [Get("/v1/topics/{topic}")]
    Task<Topic> GetTopic(string topic, CancellationToken cancellationToken);

    [Delete("/v1/topics/{topic}")]
    Task<DeleteResult> DeleteTopic(string topic, CancellationToken cancellationToken);

    [Get("/v1/topics/{topic}/tasks")]
    Task<DataList<RatusTask>> ListTasks(string topic, [Query] int limit, [Query] int offset, CancellationToken cancellationToken);

    [Post("/v1/topics//tasks")]
    Task<UpdateResult> InsertTasks([Body] DataList<RatusTask> tasks, CancellationToken cancellationToken);

    [Put("/v1/topics//tasks")]
    Task<UpdateResult> UpsertTasks([Body] DataList<RatusTask> tasks, CancellationToken cancellationToken);

    [Delete("/v1/topics/{topic}/tasks")]
    Task<DeleteResult> DeleteTasks(string topic, CancellationToken cancellationToken);

    [Get("/v1/topics//tasks/{id}")]
    Task<RatusTask> GetTask(string id, CancellationToken cancellationToken);

    [Post("/v1/topics//tasks/{id}")]
    Task<UpdateResult> InsertTask(string id, [Body] RatusTask task, CancellationToken cancellationToken);

    [Put("/v1/topics//tasks/{id}")]
    Task<UpdateResult> UpsertTask(string id, [Body] RatusTask task, CancellationToken cancellationToken);

    [Delete("/v1/topics//tasks/{id}")]
    Task<DeleteResult> DeleteTask(string id, CancellationToken cancellationToken);

    [Patch("/v1/topics//tasks/{id}")]
    Task<RatusTask> PatchTask(string id, [Body] Commit commit, CancellationToken cancellationToken);

    [Get("/v1/topics/{topic}/promises")]
    Task<DataList<Promise>> ListPromises(string topic, [Query] int limit, [Query] int offset, CancellationToken cancellationToken);

    [Post("/v1/topics/{topic}/promises")]
    Task<RatusTask> PostPromises(string topic, [Body] Promise promise, CancellationToken cancellationToken);

    [Delete("/v1/topics/{topic}/promises")]
    Task<DeleteResult> DeletePromises(string topic, CancellationToken cancellationToken);

    [Get("/v1/topics//promises/{id}")]
    Task<Promise> GetPromise(string id, CancellationToken cancellationToken);

    [Post("/v1/topics//promises/{id}")]
    Task<RatusTask> InsertPromise(string id, [Body] Promise promise, CancellationToken cancellationToken);

    [Put("/v1/topics//promises/{id}")]
    Task<RatusTask> UpsertPromise(string id, [Body] Promise promise, CancellationToken cancellationToken);

    [Delete("/v1/topics//promises/{id}")]
    Task<DeleteResult> DeletePromise(string id, CancellationToken cancellationToken);

    [Get("/v1/livez")]
    Task GetLiveness(CancellationToken cancellationToken);

    [Get("/v1/readyz")]
    Task GetReadiness(CancellationToken cancellationToken);
}
