/*
 * capsim completion bash: prints a bash completion script. Commands come
 * from the command table; a command's options are read from its own --help
 * when completing (so the script never falls behind the options); file
 * arguments complete to scenario and sweep files (*.ini) for run, validate,
 * sweep and search, and to results databases (*.db) for the others.
 *
 *   source <(capsim completion bash)      # this shell
 *   capsim completion bash > ~/.local/share/bash-completion/completions/capsim
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int usage_error(void)
{
    return cli_usage_error("completion", "expected one shell: bash");
}

int cli_completion(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: capsim completion bash\n\n"
               "Prints a bash completion script for capsim: commands, each command's\n"
               "options (read from its --help), and files (*.ini for run, validate, sweep\n"
               "and search; *.db for the others). Load it with\n"
               "  source <(capsim completion bash)\n"
               "or save it as ~/.local/share/bash-completion/completions/capsim.\n");
        return CLI_OK;
    }
    if (argc != 2 || strcmp(argv[1], "bash") != 0)
        return usage_error();
    printf("# bash completion for capsim (capsim completion bash)\n"
           "_capsim() {\n"
           "  local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]}\n"
           "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
           "    COMPREPLY=($(compgen -W \"");
    for (const cli_command *c = cli_commands(); c->name; c++)
        printf("%s ", c->name);
    printf("help --help --version\" -- \"$cur\"))\n"
           "    return\n"
           "  fi\n"
           "  if [ \"$cmd\" = help ]; then\n"
           "    COMPREPLY=($(compgen -W \"");
    for (const cli_command *c = cli_commands(); c->name; c++)
        printf("%s ", c->name);
    printf("\" -- \"$cur\"))\n"
           "    return\n"
           "  fi\n"
           "  if [[ $cur == -* ]]; then\n"
           "    local opts\n"
           "    opts=$(\"${COMP_WORDS[0]}\" \"$cmd\" --help 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)\n"
           "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
           "    return\n"
           "  fi\n"
           "  case $cmd in\n"
           "    run|validate|sweep|search) COMPREPLY=($(compgen -f -X '!*.ini' -- \"$cur\") $(compgen -d -- \"$cur\")) ;;\n"
           "    *) COMPREPLY=($(compgen -f -X '!*.db' -- \"$cur\") $(compgen -d -- \"$cur\")) ;;\n"
           "  esac\n"
           "}\n"
           "complete -o filenames -F _capsim capsim\n");
    return cli_finish_output(stdout, "completion", "the script");
}
