// Runs what Tessera.GraphQL is measured with through GraphQL.NET instead (docs/adr/0005-graphql-engine-kept.md):
//
//   GraphQLDotNetCompare oracle <schema.graphql> <data.json> <corpus.jsonl> <results.jsonl> [start-index]
//       every compat/graphql-oracle corpus document: parse + validate (GraphQL.NET's default rules) + execute against
//       data.json, one line {"name": ..., "result": {errors?, data?}} per document appended to results.jsonl and
//       flushed, the format of the oracle's own runner, so compat/graphql-oracle/compare.mjs compares it with
//       graphql-js. run.sh resumes after a document that kills or hangs the process.
//   GraphQLDotNetCompare bench <schema.graphql> <data.json> <queries-dir> [seconds]
//       the four cases of bench/graphql (small/large x cold/warm), one JSON line each, like
//       Tessera.GraphQL.Bench --quick and bench/graphql/node/bench.mjs.
//
// The schema is built the way graphql-js buildSchema builds it and Tessera's BuildFromSdl does: SDL only, default
// resolvers reading the same-named entry of the parent (data.json is turned into dictionaries and lists, which
// GraphQL.NET's default resolver reads), abstract types resolved from "__typename", custom scalars passed through.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GraphQL;
using GraphQL.DI;
using GraphQL.Execution;
using GraphQL.SystemTextJson;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: GraphQLDotNetCompare oracle <schema.graphql> <data.json> <corpus.jsonl> <results.jsonl> [start-index]");
    Console.Error.WriteLine("       GraphQLDotNetCompare bench <schema.graphql> <data.json> <queries-dir> [seconds]");
    return 64;
}

var sdl = File.ReadAllText(args[1]);
ISchema schema;
try
{
    schema = Compare.BuildSchema(sdl);
    schema.Initialize();
}
catch (Exception e)
{
    Console.Error.WriteLine($"graphql-dotnet: GraphQL.NET rejects the schema: {e.GetType().Name}: {e.Message}");
    return 3;
}

using var dataDocument = JsonDocument.Parse(File.ReadAllBytes(args[2]));
var root = Compare.ToPlain(dataDocument.RootElement);
var serializer = new GraphQLSerializer();

switch (args[0])
{
    case "oracle":
        return await Compare.RunOracleAsync(schema, root, serializer, args[3], args[4],
            args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 0);
    case "bench":
        return await Compare.RunBenchAsync(schema, root, serializer, args[3],
            args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 1);
    default:
        Console.Error.WriteLine($"unknown mode {args[0]}");
        return 64;
}

internal static class Compare
{
    public static ISchema BuildSchema(string sdl)
    {
        var definitions = GraphQLParser.Parser.Parse(sdl).Definitions;
        var abstractTypes = definitions.OfType<GraphQLInterfaceTypeDefinition>().Select(d => d.Name.StringValue)
            .Concat(definitions.OfType<GraphQLUnionTypeDefinition>().Select(d => d.Name.StringValue)).ToList();
        var scalars = definitions.OfType<GraphQLScalarTypeDefinition>().Select(d => d.Name.StringValue).ToList();
        ISchema? built = null;
        var builder = new PassThroughScalarsBuilder(scalars);
        foreach (var name in abstractTypes)
        {
            // graphql-js's default resolveType: the "__typename" of the value.
            builder.Types.For(name).ResolveType = value =>
                (value is IDictionary<string, object?> map && map.TryGetValue("__typename", out var typeName) && typeName is string s
                    ? built!.AllTypes[s] as IObjectGraphType
                    : null)!;
        }

        // graphql-js's default resolver: the same-named entry of the parent (GraphQL.NET's own reads CLR members only).
        var readEntry = new GraphQL.Resolvers.FuncFieldResolver<object?>(context =>
            context.Source is IDictionary<string, object?> parent && parent.TryGetValue(context.FieldDefinition.Name, out var value) ? value : null);
        foreach (var type in definitions.OfType<GraphQLObjectTypeDefinition>())
        {
            foreach (var field in type.Fields?.Items ?? [])
            {
                builder.Types.For(type.Name.StringValue).FieldFor(field.Name.StringValue).Resolver = readEntry;
            }
        }

        // GraphQL.NET refuses a subscription field without a source stream; the corpus only validates subscriptions.
        var subscription = definitions.OfType<GraphQLSchemaDefinition>().SelectMany(d => d.OperationTypes)
            .FirstOrDefault(o => o.Operation == OperationType.Subscription)?.Type?.Name.StringValue ?? "Subscription";
        foreach (var type in definitions.OfType<GraphQLObjectTypeDefinition>().Where(d => d.Name.StringValue == subscription))
        {
            foreach (var field in type.Fields?.Items ?? [])
            {
                builder.Types.For(subscription).FieldFor(field.Name.StringValue).StreamResolver =
                    new GraphQL.Resolvers.SourceStreamResolver<object?>(_ => new NoEvents());
            }
        }

        built = builder.Build(sdl);
        // graphql-js 16 introspects both (isRepeatable; deprecated arguments and input fields): on, to be fair.
        built.Features.RepeatableDirectives = true;
        built.Features.DeprecationOfInputValues = true;
        return built;
    }

    /// <summary>Registers every scalar the SDL declares as a pass-through scalar, as graphql-js buildSchema does,
    /// instead of GraphQL.NET's own Date, DateTime and BigInt (which would parse and reformat).</summary>
    private sealed class PassThroughScalarsBuilder(IReadOnlyList<string> scalars) : GraphQL.Utilities.SchemaBuilder
    {
        protected override void PreConfigure(Schema schema)
        {
            base.PreConfigure(schema);
            foreach (var name in scalars)
            {
                schema.RegisterType(new PassThroughScalar(name));
            }
        }
    }

    public static async Task<int> RunOracleAsync(ISchema schema, object? root, GraphQLSerializer serializer, string corpus, string results, int start)
    {
        var executer = new DocumentExecuter();
        var lines = File.ReadAllLines(corpus);
        await using var output = new StreamWriter(results, append: true, new UTF8Encoding(false));
        for (var i = start; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            using var entry = JsonDocument.Parse(lines[i]);
            var name = entry.RootElement.GetProperty("name").GetString()!;
            string result;
            try
            {
                result = await RunEntryAsync(executer, schema, root, serializer, entry.RootElement);
            }
            catch (Exception e)
            {
                result = JsonSerializer.Serialize(new { crash = $"{e.GetType().Name}: {e.Message}" });
            }

            output.Write("{\"name\":");
            output.Write(JsonSerializer.Serialize(name));
            output.Write(",\"result\":");
            output.Write(result);
            output.Write("}\n");
            output.Flush();
        }

        return 0;
    }

    private static async Task<string> RunEntryAsync(DocumentExecuter executer, ISchema schema, object? root, GraphQLSerializer serializer, JsonElement entry)
    {
        var result = await executer.ExecuteAsync(options =>
        {
            options.Schema = schema;
            options.Query = entry.GetProperty("query").GetString();
            options.Variables = entry.TryGetProperty("variables", out var variables) ? serializer.ReadNode<Inputs>(variables) : null;
            options.OperationName = entry.TryGetProperty("operationName", out var operationName) ? operationName.GetString() : null;
            options.Root = root;
            options.ThrowOnUnhandledException = Environment.GetEnvironmentVariable("COMPARE_THROW") == "1";
        });
        if (entry.TryGetProperty("validateOnly", out var validateOnly) && validateOnly.GetBoolean() && result.Executed)
        {
            // Parsed and validated; what GraphQL.NET does with a subscription next is not compared (graphql-js is not run).
            return "{}";
        }

        return serializer.Serialize(result);
    }

    public static async Task<int> RunBenchAsync(ISchema schema, object? root, GraphQLSerializer serializer, string queries, double seconds)
    {
        var cache = new DocumentCache();
        var cold = new DocumentExecuter();
        var warm = new DocumentExecuter(new GraphQLDocumentBuilder(), new DocumentValidator(), new DefaultExecutionStrategySelector(), [cache]);
        var small = File.ReadAllText(Path.Combine(queries, "small.graphql"));
        var large = File.ReadAllText(Path.Combine(queries, "large.graphql"));
        var smallVariables = new Inputs(new Dictionary<string, object?> { ["id"] = "acct_1" });
        long counter = 0;

        Task<ExecutionResult> Run(DocumentExecuter executer, string query, Inputs? variables) => executer.ExecuteAsync(options =>
        {
            options.Schema = schema;
            options.Query = query;
            options.Variables = variables;
            options.Root = root;
            options.ThrowOnUnhandledException = true;
        });

        foreach (var (query, variables) in new[] { (small, smallVariables), (large, (Inputs?)null) })
        {
            var check = await Run(cold, query, variables);
            if (check.Errors is { Count: > 0 } errors)
            {
                Console.Error.WriteLine($"graphql-dotnet: a benchmark query fails: {errors[0].Message}");
                return 1;
            }
        }

        var cases = new (string Query, string Mode, Func<Task<ExecutionResult>> Call)[]
        {
            // cold: a new text each time (a comment with a counter): parsed, validated, executed.
            ("small", "cold", () => Run(cold, small + "\n# " + ++counter, smallVariables)),
            // warm: the same text, its parsed document cached (GraphQL.NET still validates a cached document).
            ("small", "warm", () => Run(warm, small, smallVariables)),
            ("large", "cold", () => Run(cold, large + "\n# " + ++counter, null)),
            ("large", "warm", () => Run(warm, large, null)),
        };
        foreach (var (query, mode, call) in cases)
        {
            await MeasureAsync(call, seconds);
            var (iterations, elapsed) = await MeasureAsync(call, seconds);
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                engine = $"GraphQL.NET {typeof(DocumentExecuter).Assembly.GetName().Version} (.NET {Environment.Version})",
                query,
                mode,
                opsPerSecond = Math.Round(iterations / elapsed),
                iterations,
                seconds = Math.Round(elapsed, 2),
            }));
        }

        // A check that warm really reused documents (GraphQL.NET would otherwise parse them again silently).
        Console.Error.WriteLine($"graphql-dotnet: document cache hits: {cache.Hits}");
        return 0;
    }

    /// <summary>Calls for <c>seconds</c> and counts. The result is not written as JSON: the other two sides
    /// (Tessera.GraphQL.Bench --quick, bench.mjs) stop at the executed result too.</summary>
    private static async Task<(long Iterations, double Seconds)> MeasureAsync(Func<Task<ExecutionResult>> call, double seconds)
    {
        var stopwatch = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(seconds);
        long iterations = 0;
        while (stopwatch.Elapsed < limit)
        {
            for (var i = 0; i < 16; i++)
            {
                await call();
            }

            iterations += 16;
        }

        return (iterations, stopwatch.Elapsed.TotalSeconds);
    }

    /// <summary>data.json as dictionaries, lists, strings, longs, doubles and booleans.</summary>
    public static object? ToPlain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => ToPlain(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Select(ToPlain).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? (object)l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>A custom scalar with no implementation: values and literals as they are (graphql-js buildSchema).</summary>
    private sealed class PassThroughScalar : ComplexScalarGraphType
    {
        public PassThroughScalar(string name) => Name = name;
    }

    private sealed class NoEvents : IObservable<object?>, IDisposable
    {
        public IDisposable Subscribe(IObserver<object?> observer)
        {
            observer.OnCompleted();
            return this;
        }

        public void Dispose()
        {
        }
    }

    /// <summary>A document cache by query text, as GraphQL.MemoryCache's (not on this machine's NuGet) works.</summary>
    private sealed class DocumentCache : IConfigureExecution
    {
        private readonly Dictionary<string, GraphQLDocument> _documents = [];

        public float SortOrder => 200;

        public long Hits { get; private set; }

        public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
        {
            if (options.Document is null && options.Query is { } query && _documents.TryGetValue(query, out var document))
            {
                options.Document = document;
                Hits++;
                return await next(options);
            }

            var result = await next(options);
            if (result.Executed && options.Query is { } text && result.Document is { } parsed)
            {
                _documents[text] = parsed;
            }

            return result;
        }
    }
}
