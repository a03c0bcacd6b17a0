namespace Ratus.Domain.Tasks;

public enum TaskState
{
    Pending = 0,
    Active = 1,
    Completed = 2,
    Archived = 3,
}

public static class TaskStates
{
    public static bool IsDefined(int state) => state is >= 0 and <= 3;
}
