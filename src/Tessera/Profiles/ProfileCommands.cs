using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Tessera.Cli;
using Tessera.Data;

namespace Tessera.Profiles;

/// <summary><c>tessera profiles list</c>: an environment's profiles, newest first.</summary>
internal static class ProfileCommands
{
    internal static Command Profiles()
    {
        var environment = new Option<string>("--environment") { Description = "Environment id or name", Required = true };
        var limit = new Option<int>("--limit") { Description = "How many, newest first", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "List profiles of an environment") { environment, limit };
        list.SetAction((parse, ct) => TesseraCli.WithEnvironmentAsync(parse, parse.GetValue(environment)!, async (services, env, cancellationToken) =>
        {
            var db = services.GetRequiredService<TesseraDbContext>();
            var rows = await db.Profiles.AsNoTracking().Where(p => p.EnvironmentId == env.Id)
                .OrderByDescending(p => p.CreatedAt).Take(Math.Clamp(parse.GetValue(limit), 1, 10_000)).ToListAsync(cancellationToken);
            TesseraCli.Output(parse, rows.Select(ProfileView.From), () => TesseraCli.Table(["ID", "UUID", "EMAIL", "PHONE", "CREATED"],
                rows.Select(p => new[] { p.Id, p.Uuid.ToString(), p.Email ?? "", p.Phone ?? "", TesseraCli.Iso(p.CreatedAt) })));
            return 0;
        }, ct));
        return new Command("profiles", "Inspect profiles") { list };
    }
}
