using System.CommandLine;
using Backprop;
using Backprop.Cli;
using Backprop.Cli.Commands;
using Backprop.Cli.Usage;
using Backprop.IO;

var root = new RootCommand("backprop: batch backpropagation in matrix form, fast and visible.")
{
    GradCommand.Create(),
    GradcheckCommand.Create(),
    TrainCommand.Create(),
    EvalCommand.Create(),
    ExplainCommand.Create(),
    DiagramCommand.Create(),
    ReportCommand.Create(),
    AnalyzeCommand.Create(),
    ExportCommand.Create(),
    ImportCommand.Create(),
    ServeCommand.Create(),
    SiteCommand.Create(),
};
NumberRules.AddTo(root);

ConsoleWidth.Unwrap(Spectre.Console.AnsiConsole.Console, Console.IsOutputRedirected);
try
{
    var parse = root.Parse(args);
    if (UsageErrors.OneLine(parse) is { } mistake)
    {
        // A command-line mistake: one line, and the exit code of usage errors.
        Console.Error.WriteLine($"backprop: error: {mistake}");
        return 2;
    }
    return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (BackpropException e)
{
    // Bad input: one line that names the problem, never a stack trace.
    Console.Error.WriteLine($"backprop: error: {Excerpt.Of(OptionNames.Describe(e), 400)}");
    return 1;
}
catch (OutOfMemoryException)
{
    Console.Error.WriteLine("backprop: error: out of memory (try a smaller --batch or network)");
    return 1;
}
catch (IOException e)
{
    Console.Error.WriteLine($"backprop: error: {Excerpt.Of(e.Message, 400)}");
    return 1;
}
catch (Exception e)
{
    // A bug of ours, not the user's: still one line, with what a report needs, and a distinct exit code.
    Console.Error.WriteLine($"backprop: internal error: {e.GetType().Name}: {e.Message} (please report it with the command line)");
    return 2;
}
