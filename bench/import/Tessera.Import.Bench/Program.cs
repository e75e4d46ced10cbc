// Measures POST /v1/import end to end: a real Tessera server (Kestrel on a loopback port) on SQLite or PostgreSQL,
// fed NDJSON and JSON-array bodies over HTTP, timed with a stopwatch. Usage (see ../run.sh):
//   dotnet run -c Release --project bench/import/Tessera.Import.Bench -- sqlite|postgres [connection string] [transactions]
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Tessera.ApiKeys;
using Tessera.Data;
using Tessera.Environments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Builder;

internal static class ImportBench
{
    public static async Task Main(string[] args)
    {
        var provider = args.Length > 0 ? args[0] : "sqlite";
        var connectionString = args.Length > 1 && args[1].Length > 0 ? args[1] : $"Data Source={Path.Combine(Path.GetTempPath(), "tessera-import-bench-" + Guid.NewGuid().ToString("N") + ".db")}";
        var count = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 100_000;

        var builder = Program.CreateBuilder([
            $"--Database:Provider={provider}", $"--Database:ConnectionString={connectionString}", "--Database:MigrateOnStart=true",
            "--Secrets:MasterKey=3q2+7wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhs=", "--urls=http://127.0.0.1:0",
        ]);
        builder.Logging.ClearProviders();
        await using var app = Program.BuildApp(builder);
        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        string secret;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var environment = await scope.ServiceProvider.GetRequiredService<EnvironmentAdmin>().CreateAsync("bench-" + Guid.NewGuid().ToString("N")[..8], EnvironmentMode.Sandbox, default);
            secret = (await scope.ServiceProvider.GetRequiredService<ApiKeyAdmin>().CreateAsync(environment.Id, "bench", default)).Secret;
        }
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var profileUuid = Guid.NewGuid();
        (await http.PostAsJsonAsync("/v1/profiles", new { uuid = profileUuid })).EnsureSuccessStatusCode();

        // One connection, ten accounts with a year of month-end balances, and `count` transactions spread over them.
        var random = new Random(42);
        var connection = Guid.NewGuid();
        var accounts = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToArray();
        var transactions = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray();
        List<object> Records(string suffix)
        {
            var records = new List<object>(count + 200)
            {
                new { type = "connection", uuid = connection, profileUuid, institution = new { id = "ins_bench", name = "Bench Bank" } },
            };
            foreach (var (account, i) in accounts.Select((a, i) => (a, i)))
            {
                records.Add(new { type = "account", uuid = account, connectionUuid = connection, name = $"Account {i}", accountType = i % 3 == 0 ? "CREDIT" : "CHECKING" });
                for (var month = 1; month <= 12; month++)
                    records.Add(new { type = "balance", uuid = GuidFor(account, month), accountUuid = account, at = $"2026-{month:00}-28T23:59:59Z", current = random.Next(-500_000, 500_000) });
            }
            var rng = new Random(7);
            for (var i = 0; i < count; i++)
                records.Add(new
                {
                    type = "transaction", uuid = transactions[i], accountUuid = accounts[i % accounts.Length],
                    date = new DateOnly(2026, 1, 1).AddDays(rng.Next(0, 320)).ToString("yyyy-MM-dd"), description = "Card purchase " + (i % 500) + suffix,
                    amount = rng.Next(100, 50_000), entryType = rng.Next(10) == 0 ? "CREDIT" : "DEBIT", merchant = new { id = "mer_" + (i % 500), name = "Merchant " + (i % 500) },
                });
            return records;
        }

        static Guid GuidFor(Guid account, int month)
        {
            var bytes = account.ToByteArray();
            bytes[0] ^= (byte)month;
            return new Guid(bytes);
        }

        static byte[] Ndjson(List<object> records)
        {
            var text = new StringBuilder();
            foreach (var record in records) text.Append(JsonSerializer.Serialize(record)).Append('\n');
            return Encoding.UTF8.GetBytes(text.ToString());
        }

        async Task RunAsync(string label, byte[] body, string contentType, int records)
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var stopwatch = Stopwatch.StartNew();
            var response = await http.PostAsync("/v1/import", content);
            var text = await response.Content.ReadAsStringAsync();
            stopwatch.Stop();
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{label}: {(int)response.StatusCode} {text[..Math.Min(500, text.Length)]}");
            Console.WriteLine($"| {provider} | {label} | {records:N0} | {body.Length / 1024.0 / 1024.0:F1} MB | {stopwatch.Elapsed.TotalSeconds:F2} s | {records / stopwatch.Elapsed.TotalSeconds:N0} | {cpu.TotalMicroseconds / records:F0} µs |");
        }

        var first = Records("");
        var ndjson = Ndjson(first);
        var array = JsonSerializer.SerializeToUtf8Bytes(first);
        var changed = Ndjson(Records(" (updated)"));
        Console.WriteLine($"| database | run | records | body | time | records/s | Tessera CPU per record |");
        Console.WriteLine($"|---|---|---:|---:|---:|---:|---:|");
        await RunAsync("NDJSON, new rows (insert)", ndjson, "application/x-ndjson", first.Count);
        await RunAsync("JSON array, same batch again (no change)", array, "application/json", first.Count);
        await RunAsync("NDJSON, every description changed (update)", changed, "application/x-ndjson", first.Count);
        await app.StopAsync();
        if (args.Length < 2 || args[1].Length == 0)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var file = connectionString["Data Source=".Length..];
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(file + suffix);
        }
    }
}
