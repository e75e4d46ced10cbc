using Tessera.GraphQL.Language;
using Tessera.GraphQL.Utilities;
// The resolver contract is the one name the type system takes from Execution (docs/adr/0005).
using ResolveFieldContext = Tessera.GraphQL.Execution.ResolveFieldContext;

namespace Tessera.GraphQL.Types;

/// <summary>
/// The introspection system (spec section 4): the <c>__Schema</c>, <c>__Type</c>, ... types, shared by every schema,
/// and the meta fields <c>__schema</c>, <c>__type</c> and <c>__typename</c>. Descriptions match graphql-js 16.
/// </summary>
public static class Introspection
{
    // Printed by graphql-js 16 printIntrospectionSchema, so descriptions and field order are identical.
    private const string Sdl = """"
"""
A GraphQL Schema defines the capabilities of a GraphQL server. It exposes all available types and directives on the server, as well as the entry points for query, mutation, and subscription operations.
"""
type __Schema {
  description: String

  """A list of all types supported by this server."""
  types: [__Type!]!

  """The type that query operations will be rooted at."""
  queryType: __Type!

  """
  If this server supports mutation, the type that mutation operations will be rooted at.
  """
  mutationType: __Type

  """
  If this server support subscription, the type that subscription operations will be rooted at.
  """
  subscriptionType: __Type

  """A list of all directives supported by this server."""
  directives: [__Directive!]!
}

"""
The fundamental unit of any GraphQL Schema is the type. There are many kinds of types in GraphQL as represented by the `__TypeKind` enum.

Depending on the kind of a type, certain fields describe information about that type. Scalar types provide no information beyond a name, description and optional `specifiedByURL`, while Enum types provide their values. Object and Interface types provide the fields they describe. Abstract types, Union and Interface, provide the Object types possible at runtime. List and NonNull types compose other types.
"""
type __Type {
  kind: __TypeKind!
  name: String
  description: String
  specifiedByURL: String
  fields(includeDeprecated: Boolean = false): [__Field!]
  interfaces: [__Type!]
  possibleTypes: [__Type!]
  enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
  inputFields(includeDeprecated: Boolean = false): [__InputValue!]
  ofType: __Type
  isOneOf: Boolean
}

"""An enum describing what kind of type a given `__Type` is."""
enum __TypeKind {
  """Indicates this type is a scalar."""
  SCALAR

  """
  Indicates this type is an object. `fields` and `interfaces` are valid fields.
  """
  OBJECT

  """
  Indicates this type is an interface. `fields`, `interfaces`, and `possibleTypes` are valid fields.
  """
  INTERFACE

  """Indicates this type is a union. `possibleTypes` is a valid field."""
  UNION

  """Indicates this type is an enum. `enumValues` is a valid field."""
  ENUM

  """
  Indicates this type is an input object. `inputFields` is a valid field.
  """
  INPUT_OBJECT

  """Indicates this type is a list. `ofType` is a valid field."""
  LIST

  """Indicates this type is a non-null. `ofType` is a valid field."""
  NON_NULL
}

"""
Object and Interface types are described by a list of Fields, each of which has a name, potentially a list of arguments, and a return type.
"""
type __Field {
  name: String!
  description: String
  args(includeDeprecated: Boolean = false): [__InputValue!]!
  type: __Type!
  isDeprecated: Boolean!
  deprecationReason: String
}

"""
Arguments provided to Fields or Directives and the input fields of an InputObject are represented as Input Values which describe their type and optionally a default value.
"""
type __InputValue {
  name: String!
  description: String
  type: __Type!

  """
  A GraphQL-formatted string representing the default value for this input value.
  """
  defaultValue: String
  isDeprecated: Boolean!
  deprecationReason: String
}

"""
One possible value for a given Enum. Enum values are unique values, not a placeholder for a string or numeric value. However an Enum value is returned in a JSON response as a string.
"""
type __EnumValue {
  name: String!
  description: String
  isDeprecated: Boolean!
  deprecationReason: String
}

"""
A Directive provides a way to describe alternate runtime execution and type validation behavior in a GraphQL document.

In some cases, you need to provide options to alter GraphQL's execution behavior in ways field arguments will not suffice, such as conditionally including or skipping a field. Directives provide this by describing additional information to the executor.
"""
type __Directive {
  name: String!
  description: String
  isRepeatable: Boolean!
  locations: [__DirectiveLocation!]!
  args(includeDeprecated: Boolean = false): [__InputValue!]!
}

"""
A Directive can be adjacent to many parts of the GraphQL language, a __DirectiveLocation describes one such possible adjacencies.
"""
enum __DirectiveLocation {
  """Location adjacent to a query operation."""
  QUERY

  """Location adjacent to a mutation operation."""
  MUTATION

  """Location adjacent to a subscription operation."""
  SUBSCRIPTION

  """Location adjacent to a field."""
  FIELD

  """Location adjacent to a fragment definition."""
  FRAGMENT_DEFINITION

  """Location adjacent to a fragment spread."""
  FRAGMENT_SPREAD

  """Location adjacent to an inline fragment."""
  INLINE_FRAGMENT

  """Location adjacent to a variable definition."""
  VARIABLE_DEFINITION

  """Location adjacent to a schema definition."""
  SCHEMA

  """Location adjacent to a scalar definition."""
  SCALAR

  """Location adjacent to an object type definition."""
  OBJECT

  """Location adjacent to a field definition."""
  FIELD_DEFINITION

  """Location adjacent to an argument definition."""
  ARGUMENT_DEFINITION

  """Location adjacent to an interface definition."""
  INTERFACE

  """Location adjacent to a union definition."""
  UNION

  """Location adjacent to an enum definition."""
  ENUM

  """Location adjacent to an enum value definition."""
  ENUM_VALUE

  """Location adjacent to an input object type definition."""
  INPUT_OBJECT

  """Location adjacent to an input object field definition."""
  INPUT_FIELD_DEFINITION
}
"""";

    private static readonly Dictionary<string, NamedType> s_types = BuildTypes();

    /// <summary>The introspection types, in graphql-js order.</summary>
    public static IReadOnlyList<NamedType> Types { get; } = [.. s_types.Values];

    /// <summary>The <c>__Schema</c> type.</summary>
    public static ObjectType SchemaType => (ObjectType)s_types["__Schema"];

    /// <summary>The <c>__Type</c> type.</summary>
    public static ObjectType TypeType => (ObjectType)s_types["__Type"];

    /// <summary>The <c>__schema: __Schema!</c> meta field of the query type.</summary>
    public static FieldDefinition SchemaMetaField { get; } = new FieldDefinition("__schema", new NonNullType(SchemaType))
    {
        Description = "Access the current type schema of this server.",
        Resolver = static ctx => new ValueTask<object?>(ctx.Schema),
    };

    /// <summary>The <c>__type(name: String!): __Type</c> meta field of the query type.</summary>
    public static FieldDefinition TypeMetaField { get; } = new FieldDefinition("__type", TypeType)
    {
        Description = "Request the type information of a single type.",
        Resolver = static ctx => new ValueTask<object?>(ctx.Schema.GetType((string)ctx.Arguments["name"]!)),
    }.AddArgument(new InputValueDefinition("name", new NonNullType(ScalarType.String)));

    /// <summary>The <c>__typename: String!</c> meta field of every composite type.</summary>
    public static FieldDefinition TypeNameMetaField { get; } = new FieldDefinition("__typename", new NonNullType(ScalarType.String))
    {
        Description = "The name of the current Object type at runtime.",
    };

    private static Dictionary<string, NamedType> BuildTypes()
    {
        var errors = new List<string>();
        var predefined = new Dictionary<string, NamedType> { ["String"] = ScalarType.String, ["Boolean"] = ScalarType.Boolean };
        var built = SdlTypeBuilder.Build(Parser.Parse(Sdl), errors, null, includeSpecifiedScalars: false, predefined);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join("\n", errors));
        }

        var types = new Dictionary<string, NamedType>(StringComparer.Ordinal);
        foreach (var type in built.TypeOrder)
        {
            types[type.Name] = type;
            type.AstNode = null;
        }

        void Bind(string type, string field, Func<ResolveFieldContext, object?> resolver) =>
            ((ObjectType)types[type]).GetField(field)!.Resolver = ctx => new ValueTask<object?>(resolver(ctx));

        Bind("__Schema", "description", ctx => ((Schema)ctx.Source!).Description);
        Bind("__Schema", "types", ctx => ((Schema)ctx.Source!).TypeList);
        Bind("__Schema", "queryType", ctx => ((Schema)ctx.Source!).QueryType);
        Bind("__Schema", "mutationType", ctx => ((Schema)ctx.Source!).MutationType);
        Bind("__Schema", "subscriptionType", ctx => ((Schema)ctx.Source!).SubscriptionType);
        Bind("__Schema", "directives", ctx => ((Schema)ctx.Source!).Directives);

        Bind("__Type", "kind", ctx => KindName(((GraphQLType)ctx.Source!).Kind));
        Bind("__Type", "name", ctx => (ctx.Source as NamedType)?.Name);
        Bind("__Type", "description", ctx => (ctx.Source as NamedType)?.Description);
        Bind("__Type", "specifiedByURL", ctx => (ctx.Source as ScalarType)?.SpecifiedByUrl);
        Bind("__Type", "fields", ctx => ctx.Source is ComplexType complex
            ? Filter(complex.Fields, ctx, static f => f.IsDeprecated)
            : null);
        Bind("__Type", "interfaces", ctx => (ctx.Source as ComplexType)?.Interfaces);
        Bind("__Type", "possibleTypes", ctx => ctx.Source is NamedType { IsAbstractType: true } abstractType
            ? ctx.Schema.GetPossibleTypes(abstractType)
            : null);
        Bind("__Type", "enumValues", ctx => ctx.Source is EnumType enumType
            ? Filter(enumType.Values, ctx, static v => v.IsDeprecated)
            : null);
        Bind("__Type", "inputFields", ctx => ctx.Source is InputObjectType input
            ? Filter(input.Fields, ctx, static f => f.IsDeprecated)
            : null);
        Bind("__Type", "ofType", ctx => ctx.Source switch
        {
            ListType list => list.OfType,
            NonNullType nonNull => nonNull.OfType,
            _ => null,
        });
        Bind("__Type", "isOneOf", ctx => ctx.Source is InputObjectType input ? input.IsOneOf : null);

        Bind("__Field", "name", ctx => ((FieldDefinition)ctx.Source!).Name);
        Bind("__Field", "description", ctx => ((FieldDefinition)ctx.Source!).Description);
        Bind("__Field", "args", ctx => Filter(((FieldDefinition)ctx.Source!).Arguments, ctx, static a => a.IsDeprecated));
        Bind("__Field", "type", ctx => ((FieldDefinition)ctx.Source!).Type);
        Bind("__Field", "isDeprecated", ctx => ((FieldDefinition)ctx.Source!).IsDeprecated);
        Bind("__Field", "deprecationReason", ctx => ((FieldDefinition)ctx.Source!).DeprecationReason);

        Bind("__InputValue", "name", ctx => ((InputValueDefinition)ctx.Source!).Name);
        Bind("__InputValue", "description", ctx => ((InputValueDefinition)ctx.Source!).Description);
        Bind("__InputValue", "type", ctx => ((InputValueDefinition)ctx.Source!).Type);
        Bind("__InputValue", "defaultValue", ctx =>
        {
            var value = (InputValueDefinition)ctx.Source!;
            if (!value.HasDefaultValue)
            {
                return null;
            }

            var literal = ValueCoercion.AstFromValue(value.DefaultValue, value.Type);
            return literal is null ? null : Printer.Print(literal);
        });
        Bind("__InputValue", "isDeprecated", ctx => ((InputValueDefinition)ctx.Source!).IsDeprecated);
        Bind("__InputValue", "deprecationReason", ctx => ((InputValueDefinition)ctx.Source!).DeprecationReason);

        Bind("__EnumValue", "name", ctx => ((EnumValueDefinition)ctx.Source!).Name);
        Bind("__EnumValue", "description", ctx => ((EnumValueDefinition)ctx.Source!).Description);
        Bind("__EnumValue", "isDeprecated", ctx => ((EnumValueDefinition)ctx.Source!).IsDeprecated);
        Bind("__EnumValue", "deprecationReason", ctx => ((EnumValueDefinition)ctx.Source!).DeprecationReason);

        Bind("__Directive", "name", ctx => ((DirectiveDefinition)ctx.Source!).Name);
        Bind("__Directive", "description", ctx => ((DirectiveDefinition)ctx.Source!).Description);
        Bind("__Directive", "isRepeatable", ctx => ((DirectiveDefinition)ctx.Source!).IsRepeatable);
        Bind("__Directive", "locations", ctx =>
        {
            var locations = ((DirectiveDefinition)ctx.Source!).Locations;
            var names = new List<object?>(locations.Count);
            foreach (var location in locations)
            {
                names.Add(DirectiveLocations.ToName(location));
            }

            return names;
        });
        Bind("__Directive", "args", ctx => Filter(((DirectiveDefinition)ctx.Source!).Arguments, ctx, static a => a.IsDeprecated));
        return types;
    }

    private static List<T> Filter<T>(IReadOnlyList<T> items, ResolveFieldContext ctx, Func<T, bool> isDeprecated)
    {
        var includeDeprecated = ctx.Arguments.TryGetValue("includeDeprecated", out var value) && value is true;
        var result = new List<T>(items.Count);
        foreach (var item in items)
        {
            if (includeDeprecated || !isDeprecated(item))
            {
                result.Add(item);
            }
        }

        return result;
    }

    /// <summary>The <c>__TypeKind</c> name of a kind.</summary>
    public static string KindName(TypeKind kind) => kind switch
    {
        TypeKind.Scalar => "SCALAR",
        TypeKind.Object => "OBJECT",
        TypeKind.Interface => "INTERFACE",
        TypeKind.Union => "UNION",
        TypeKind.Enum => "ENUM",
        TypeKind.InputObject => "INPUT_OBJECT",
        TypeKind.List => "LIST",
        _ => "NON_NULL",
    };
}
