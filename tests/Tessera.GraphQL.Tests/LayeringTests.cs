using System.Reflection;
using System.Reflection.Emit;
using Tessera.GraphQL.Types;
using Xunit;

namespace Tessera.GraphQL.Tests;

/// <summary>
/// The engine's layers, checked on the compiled assembly (so fully qualified names, lambdas, closures and state
/// machines count too): <c>Language</c> at the bottom, then <c>Types</c> and the shared <c>Utilities</c> (coercion,
/// JSON values, suggestions; they need each other, as graphql-js's <c>type/</c> and <c>utilities/</c> do), then
/// <c>Validation</c> and <c>Execution</c>, then <c>GraphQLService</c>. A lower layer never names a type of a higher one.
/// The one exception is written down in docs/adr/0005-graphql-engine-kept.md: the type system stores resolvers, and a
/// resolver's signature is <c>Execution.ResolveFieldContext</c>.
/// </summary>
public sealed class LayeringTests
{
    private const string Root = "Tessera.GraphQL";
    private const string Language = Root + ".Language";
    private const string Types = Root + ".Types";
    private const string Utilities = Root + ".Utilities";
    private const string Validation = Root + ".Validation";
    private const string Execution = Root + ".Execution";

    /// <summary>The root namespace holds both the errors every layer raises and the service on top of all of them.</summary>
    private static readonly HashSet<string> RootTypesForAll = [$"{Root}.GraphQLError", $"{Root}.GraphQLSyntaxError", $"{Root}.SourceLocation"];

    /// <summary>The type system stores resolvers, whose parameter is the execution's context (ADR 0005).</summary>
    private const string ResolverContract = Execution + ".ResolveFieldContext";

    public static TheoryData<string, string[]> Layers => new()
    {
        { Language, [Types, Utilities, Validation, Execution, Root] },
        { Types, [Validation, Execution, Root] },
        { Utilities, [Validation, Execution, Root] },
        { Validation, [Execution, Root] },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void ALayerNamesNoTypeOfAHigherOne(string layer, string[] forbidden)
    {
        var offences = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in EngineTypes().Where(t => NamespaceOf(t) == layer))
        {
            foreach (var (used, where) in References(type))
            {
                if (Forbidden(used, forbidden) && !(layer == Types && used.FullName == ResolverContract))
                {
                    offences.Add($"{type.FullName} -> {used.FullName} ({where})");
                }
            }
        }

        Assert.True(offences.Count == 0, $"{layer} reaches up:\n" + string.Join("\n", offences));
    }

    [Fact]
    public void TheCheckSeesTheResolverContractInTypes()
    {
        // Guards the test itself: if it stopped seeing references, every layer would pass.
        var seen = EngineTypes().Where(t => NamespaceOf(t) == Types)
            .SelectMany(t => References(t)).Select(r => r.Type.FullName).ToHashSet();
        Assert.Contains(ResolverContract, seen);
        Assert.Contains($"{Utilities}.ValueCoercion", seen);
        Assert.Contains($"{Utilities}.Suggestions", seen);
        Assert.Contains($"{Utilities}.JsonValues", seen);
    }

    [Fact]
    public void TheSharedHelpersLiveInUtilities()
    {
        var engine = typeof(Schema).Assembly;
        foreach (var name in new[] { "ValueCoercion", "JsonValues", "Suggestions" })
        {
            Assert.NotNull(engine.GetType($"{Utilities}.{name}"));
        }
    }

    private static bool Forbidden(Type used, string[] forbidden)
    {
        if (used.Assembly != typeof(Schema).Assembly || used.FullName is null)
        {
            return false;
        }

        var ns = NamespaceOf(used);
        if (ns == Root)
        {
            return forbidden.Contains(Root) && !RootTypesForAll.Contains(Outermost(used).FullName!);
        }

        return forbidden.Any(f => f != Root && (ns == f || ns.StartsWith(f + ".", StringComparison.Ordinal)));
    }

    private static IEnumerable<Type> EngineTypes() => typeof(Schema).Assembly.GetTypes();

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    /// <summary>Nested (and compiler-generated) types count as their outermost type's namespace.</summary>
    private static string NamespaceOf(Type type)
    {
        var ns = Outermost(type).Namespace ?? "";
        return ns.StartsWith(Validation + ".", StringComparison.Ordinal) ? Validation : ns;
    }

    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Every type a type names: base, interfaces, members' signatures, locals, and the operands of its IL.</summary>
    private static IEnumerable<(Type Type, string Where)> References(Type type)
    {
        var found = new List<(Type, string)>();
        void Add(Type? t, string where)
        {
            foreach (var part in Parts(t))
            {
                found.Add((part, where));
            }
        }

        Add(type.BaseType, "base type");
        foreach (var i in type.GetInterfaces())
        {
            Add(i, "interface");
        }

        foreach (var field in type.GetFields(Declared))
        {
            Add(field.FieldType, $"field {field.Name}");
        }

        foreach (var property in type.GetProperties(Declared))
        {
            Add(property.PropertyType, $"property {property.Name}");
        }

        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            var where = $"{method.Name}";
            if (method is MethodInfo info)
            {
                Add(info.ReturnType, where);
            }

            foreach (var parameter in method.GetParameters())
            {
                Add(parameter.ParameterType, where);
            }

            var body = method.GetMethodBody();
            if (body is null)
            {
                continue;
            }

            foreach (var local in body.LocalVariables)
            {
                Add(local.LocalType, where);
            }

            foreach (var member in IlOperands(method, body))
            {
                switch (member)
                {
                    case Type t:
                        Add(t, where);
                        break;
                    case FieldInfo f:
                        Add(f.DeclaringType, where);
                        Add(f.FieldType, where);
                        break;
                    case MethodBase m:
                        Add(m.DeclaringType, where);
                        if (m is MethodInfo mi)
                        {
                            Add(mi.ReturnType, where);
                            if (mi.IsGenericMethod)
                            {
                                foreach (var argument in mi.GetGenericArguments())
                                {
                                    Add(argument, where);
                                }
                            }
                        }

                        foreach (var parameter in m.GetParameters())
                        {
                            Add(parameter.ParameterType, where);
                        }

                        break;
                }
            }
        }

        return found;
    }

    /// <summary>A type and what it is made of: element types and generic arguments.</summary>
    private static IEnumerable<Type> Parts(Type? type)
    {
        if (type is null || type.IsGenericParameter)
        {
            yield break;
        }

        if (type.HasElementType)
        {
            foreach (var part in Parts(type.GetElementType()))
            {
                yield return part;
            }

            yield break;
        }

        yield return type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                foreach (var part in Parts(argument))
                {
                    yield return part;
                }
            }
        }
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The fields, methods and types the IL of a method body refers to by token.</summary>
    private static IEnumerable<MemberInfo> IlOperands(MethodBase method, MethodBody body)
    {
        var il = body.GetILAsByteArray() ?? [];
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            short value = il[i++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[i++]));
            }

            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                    yield return method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArguments, methodArguments)!;
                    i += 4;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + (4 * BitConverter.ToInt32(il, i));
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }
}
