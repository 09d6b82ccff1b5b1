using System.CommandLine;
using Backprop;
using Backprop.Cli;
using Backprop.Cli.Commands;

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
};

try
{
    return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (BackpropException e)
{
    // Bad input: one line that names the problem, never a stack trace.
    Console.Error.WriteLine($"backprop: error: {OptionNames.Describe(e)}");
    return 1;
}
catch (OutOfMemoryException)
{
    Console.Error.WriteLine("backprop: error: out of memory (try a smaller --batch or network)");
    return 1;
}
catch (IOException e)
{
    Console.Error.WriteLine($"backprop: error: {e.Message}");
    return 1;
}
catch (Exception e)
{
    // A bug of ours, not the user's: still one line, with what a report needs, and a distinct exit code.
    Console.Error.WriteLine($"backprop: internal error: {e.GetType().Name}: {e.Message} (please report it with the command line)");
    return 2;
}
