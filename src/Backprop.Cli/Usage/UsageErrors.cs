using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using Backprop.IO;

namespace Backprop.Cli.Usage;

/// <summary>
/// A command-line mistake as one line instead of a usage page: an unknown verb or option with the closest
/// known one (found by walking the command tree, so every verb and option is covered), a missing value
/// named by its option, a value of the wrong kind. <c>--help</c> still prints the full usage.
/// </summary>
internal static partial class UsageErrors
{
    /// <summary>The line to print for the parse's first error, or null when there is none (or help was asked for).</summary>
    public static string? OneLine(ParseResult parse)
    {
        if (parse.Errors.Count == 0 || parse.Action is not ParseErrorAction) return null; // --help and friends act despite errors
        var command = parse.CommandResult.Command;
        var options = OptionsOf(parse.CommandResult).ToList();
        // An option left without its value comes first: the tokens after it are then out of place only because of it.
        foreach (var error in parse.Errors)
        {
            if (error.SymbolResult is OptionResult o && o.Tokens.Count == 0 && o.Option.Arity.MinimumNumberOfValues > 0)
                return $"{o.Option.Name} needs a value";
            if (Conversion().Match(error.Message) is { Success: true } m && options.FirstOrDefault(x => x.Name == m.Groups[2].Value) is { } option)
            {
                string value = m.Groups[1].Value;
                // A value of the wrong kind ("1.5" for a whole number): the parser's message names .NET types, ours the kind.
                return options.Any(x => x.Name == value || x.Aliases.Contains(value))
                    ? $"{option.Name} needs a value"
                    : $"{option.Name}: '{Excerpt.Of(value)}' is not {Kind(option.ValueType)}";
            }
        }
        if (parse.UnmatchedTokens.Count > 0) return Unknown(parse.UnmatchedTokens[0], command, parse);
        var first = parse.Errors[0];
        if (first.SymbolResult is CommandResult c && c.Command.Subcommands.Count > 0 && c.Command.Action is null)
            return $"{Verb(c.Command)} needs a verb: {string.Join(", ", c.Command.Subcommands.Where(s => !s.Hidden).Select(s => s.Name))} (see --help)";
        return Excerpt.Of(first.Message, 200);
    }

    [GeneratedRegex("^Cannot parse argument '(.*)' for option '([^']*)'", RegexOptions.Singleline)]
    private static partial Regex Conversion();

    private static string Unknown(string token, Command command, ParseResult parse)
    {
        string quoted = Excerpt.Of(token);
        if (token.StartsWith('-'))
        {
            var names = OptionsOf(parse.CommandResult).SelectMany(o => o.Aliases.Prepend(o.Name));
            return Suggest($"unknown option '{quoted}' for {Verb(command)}", token, names);
        }
        if (command.Subcommands.Count > 0)
            return Suggest(command.Parents.Any() ? $"unknown verb '{quoted}' for {Verb(command)}" : $"unknown verb '{quoted}'", token, command.Subcommands.Where(s => !s.Hidden).Select(s => s.Name));
        return $"unexpected argument '{quoted}' for {Verb(command)}";
    }

    private static string Suggest(string message, string token, IEnumerable<string> names) =>
        Closest.To(token, names) is { } near ? $"{message}; did you mean '{near}'?" : $"{message} (see --help)";

    /// <summary>The options valid at this point: the command's own, and the recursive ones of its ancestors (such as --help).</summary>
    private static IEnumerable<Option> OptionsOf(CommandResult result)
    {
        foreach (var o in result.Command.Options) yield return o;
        for (var p = result.Parent as CommandResult; p is not null; p = p.Parent as CommandResult)
            foreach (var o in p.Command.Options.Where(o => o.Recursive)) yield return o;
    }

    private static string Verb(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c && c.Parents.Any(); s = c.Parents.First()) names.Insert(0, s.Name);
        return names.Count == 0 ? "backprop" : string.Join(' ', names);
    }

    private static string Kind(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(int) || t == typeof(long) => "a whole number (up to 2147483647)",
        var t when t == typeof(double) || t == typeof(float) => "a number",
        var t when t == typeof(bool) => "true or false",
        var t => $"a {t.Name}",
    };
}
