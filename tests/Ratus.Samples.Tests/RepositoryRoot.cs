namespace Ratus.Samples.Tests;

/// The repository's top directory (the one holding Ratus.sln), found above the test assembly.
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Ratus.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Ratus.sln not found above " + AppContext.BaseDirectory);
    }
}
