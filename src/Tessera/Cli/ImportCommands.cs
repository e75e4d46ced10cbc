using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.FinancialData;
using Tessera.Profiles;

namespace Tessera.Cli;

/// <summary><c>tessera import</c> (a file, like <c>POST /v1/import</c>) and <c>tessera mock-bank</c> (sandbox data).</summary>
internal static class ImportCommands
{
    internal static Command Import()
    {
        var file = new Argument<FileInfo>("file") { Description = "A JSON array of records, or NDJSON (.ndjson/.jsonl, or any file not starting with '[')" };
        var environment = new Option<string>("--environment") { Description = "Environment id or name", Required = true };
        var command = new Command("import", "Import connections, accounts, balances and transactions from a file, upserted by uuid") { file, environment };
        command.SetAction((parse, ct) => TesseraCli.WithEnvironmentAsync(parse, parse.GetValue(environment)!, async (services, env, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists) return TesseraCli.Fail($"No file '{path.FullName}'.");

            await using var stream = new FileStream(path.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
            var format = FormatOf(path, stream);
            var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ImportOptions>>().Value;
            var result = await services.GetRequiredService<FinancialDataImporter>().ImportAsync(env.Id,
                ImportSources.Read(stream, format, options.MaxRecordBytes, cancellationToken), cancellationToken);

            TesseraCli.Output(parse, ImportApi.ImportResponse.From(result), () =>
            {
                Console.WriteLine($"Imported into {env.Name}: " + string.Join(", ", result.Imported.Select(p => $"{p.Value} {p.Key}{(p.Value == 1 ? "" : "s")}")) + ".");
                if (result.Abort is { } abort) Console.Error.WriteLine($"error: {abort.Message}: {abort.Instruction}");
                if (result.Failed > 0)
                {
                    Console.Error.WriteLine($"{result.Failed} record(s) rejected:");
                    foreach (var e in result.Errors)
                        Console.Error.WriteLine($"  record {e.Index}{(e.Type is null ? "" : $" ({e.Type})")}: {(e.Field.Length == 0 ? "" : e.Field + " ")}{e.Message}");
                    if (result.ErrorsTruncated) Console.Error.WriteLine("  (more errors not shown)");
                }
            });
            return result.Failed > 0 || result.Abort is not null ? 1 : 0;
        }, ct));
        return command;
    }

    /// <summary>By extension; otherwise a file whose first non-blank character is '[' is a JSON array, anything else NDJSON.</summary>
    private static ImportFormat FormatOf(FileInfo file, FileStream stream)
    {
        switch (file.Extension.ToLowerInvariant())
        {
            case ".ndjson" or ".jsonl": return ImportFormat.Ndjson;
        }
        int b;
        do { b = stream.ReadByte(); } while (b is ' ' or '\t' or '\r' or '\n' or 0xEF or 0xBB or 0xBF);
        stream.Position = 0;
        return b == '[' ? ImportFormat.JsonArray : ImportFormat.Ndjson;
    }

    internal static Command MockBank()
    {
        var profile = new Option<string>("--profile") { Description = "Profile id (p_…) or uuid", Required = true };
        var environment = new Option<string>("--environment") { Description = "Environment id or name (SANDBOX only)", Required = true };
        var command = new Command("mock-bank", "Give a sandbox profile a mock bank connection with a year of realistic data") { profile, environment };
        command.SetAction((parse, ct) => TesseraCli.WithEnvironmentAsync(parse, parse.GetValue(environment)!, async (services, env, cancellationToken) =>
        {
            var found = await services.GetRequiredService<ProfileStore>().FindAsync(env.Id, parse.GetValue(profile)!, cancellationToken);
            if (found is null) return TesseraCli.Fail($"No profile '{parse.GetValue(profile)}' in {env.Name}.");
            Connection connection;
            try { connection = await services.GetRequiredService<FinancialData.MockBank>().CreateAsync(env.Id, found.Id, cancellationToken); }
            catch (MockBankException ex) { return TesseraCli.Fail(ex.Message); }

            var db = services.GetRequiredService<TesseraDbContext>();
            var accounts = await db.Accounts.AsNoTracking().Where(a => a.ConnectionId == connection.Id).OrderBy(a => a.Name).ToListAsync(cancellationToken);
            var ids = accounts.Select(a => a.Id).ToList();
            var transactions = await db.Transactions.CountAsync(t => ids.Contains(t.AccountId), cancellationToken);
            TesseraCli.Output(parse, new
            {
                connection = new { id = connection.Id, uuid = connection.Uuid, profileId = connection.ProfileId, provider = WireEnum.Name(connection.Provider),
                    status = WireEnum.Name(connection.Status), institution = new { id = connection.InstitutionId, name = connection.InstitutionName } },
                accounts = accounts.Select(a => new { id = a.Id, name = a.Name, type = WireEnum.Name(a.Type), mask = a.Mask }),
                transactions,
            }, () =>
            {
                Console.WriteLine($"Mock bank connection {connection.Id} ({FinancialData.MockBank.InstitutionName}) for {found.Id}:");
                foreach (var a in accounts) Console.WriteLine($"  {a.Id}  {WireEnum.Name(a.Type),-8}  {a.Name} ••{a.Mask}");
                Console.WriteLine($"  {transactions} transactions over the last year");
            });
            return 0;
        }, ct));
        return command;
    }
}
