using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Storage;

namespace Tessera.Data;

/// <summary>A value bound to a statement's <c>@name</c>; the mapping, when given, is the column's (else the value type's).</summary>
public readonly record struct SqlArg(string Name, object? Value, RelationalTypeMapping? Mapping = null);

/// <summary>
/// A hand-written statement for both databases: one text with <c>@name</c> parameters, bound by name. A text binds
/// every name it uses exactly once; anything else throws, so reordering a statement cannot silently swap two values.
/// </summary>
public readonly struct Sql
{
    public Sql(string text, params ReadOnlySpan<(string Name, object? Value)> args)
    {
        Text = text;
        Args = new SqlArg[args.Length];
        for (var i = 0; i < args.Length; i++) Args[i] = new SqlArg(args[i].Name, args[i].Value);
    }

    internal Sql(string text, SqlArg[] args)
    {
        Text = text;
        Args = args;
    }

    public string Text { get; }
    public SqlArg[] Args { get; }

    /// <summary>
    /// PostgreSQL: plan this statement for its values, never with a cached generic plan (the rest of its transaction
    /// keeps PostgreSQL's usual choice). For lookups whose best index depends on the values (an identifier's
    /// challenges among an environment's).
    /// </summary>
    public bool PlannedForItsValues { get; init; }

    /// <summary>The whole entity inserted as EF would insert it (<see cref="EntityInsert"/>).</summary>
    public static Sql Insert(StoreTypes types, object entity)
    {
        var insert = types.InsertOf(entity.GetType());
        return new Sql(insert.Sql, insert.Values(entity));
    }
}

/// <summary>A statement text's parameter names, and its PostgreSQL form with positional parameters (parsed once per text).</summary>
internal sealed partial class SqlText
{
    private static readonly ConcurrentDictionary<string, SqlText> Parsed = new(StringComparer.Ordinal);

    private SqlText(string text)
    {
        var names = new List<string>();
        var positional = new StringBuilder(text.Length);
        var last = 0;
        foreach (Match m in ParameterName().Matches(text))
        {
            var name = m.Value[1..];
            var index = names.IndexOf(name);
            if (index < 0)
            {
                names.Add(name);
                index = names.Count - 1;
            }
            positional.Append(text, last, m.Index - last).Append('$').Append(index + 1);
            last = m.Index + m.Length;
        }
        positional.Append(text, last, text.Length - last);
        Names = names.ToArray();
        Positional = positional.ToString();
    }

    /// <summary>Distinct names, in order of first appearance (the PostgreSQL form's <c>$1</c>, <c>$2</c>, ...).</summary>
    public string[] Names { get; }
    public string Positional { get; }

    public static SqlText Of(string text) => Parsed.GetOrAdd(text, static t => new SqlText(t));

    /// <summary>The value bound to each name, in <see cref="Names"/> order; throws unless every name is bound exactly once.</summary>
    public SqlArg[] Order(SqlArg[] args)
    {
        if (args.Length != Names.Length)
            throw new ArgumentException($"The statement takes {Names.Length} parameters ({string.Join(", ", Names)}), {args.Length} given.");
        var ordered = new SqlArg[Names.Length];
        for (var i = 0; i < Names.Length; i++)
        {
            var found = -1;
            for (var j = 0; j < args.Length; j++)
            {
                if (args[j].Name != Names[i]) continue;
                if (found >= 0) throw new ArgumentException($"@{Names[i]} is bound twice.");
                found = j;
            }
            if (found < 0) throw new ArgumentException($"@{Names[i]} is not bound.");
            ordered[i] = args[found];
        }
        return ordered;
    }

    [GeneratedRegex(@"@[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex ParameterName();
}
