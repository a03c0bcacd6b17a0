using Ratus.Api;
using Ratus.Api.Hosting;
using Ratus.Application;
using Ratus.Infrastructure;

if (!StartupArguments.TryParse(args, out var startup, out var exitCode))
{
    return exitCode;
}

var builder = WebApplication.CreateBuilder(startup.WebApplicationOptions);
builder.AddRatusHost(startup);
builder.Services.AddApplication();
builder.Services.AddInfrastructure(builder.Configuration);
builder.Services.AddRatusApi(builder.Configuration);

await using var app = builder.Build();
app.UseRatusApi();
return await app.RunRatusAsync(startup);

public partial class Program;
