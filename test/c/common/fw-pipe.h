/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The C harnesses' side of `xen-sev fw serve`: the firmware model runs as a
 * child process for the whole run (starting Node once per command would cost
 * more than the commands), and is spoken to one line each way. Every harness
 * is one translation unit including this once, so the state is static.
 */
#ifndef TEST_C_FW_PIPE_H
#define TEST_C_FW_PIPE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static FILE *fw_pipe_to, *fw_pipe_from;

/* Starts argv (the server's command line) with its stdin and stdout piped to us. */
static void fw_pipe_spawn(char **argv)
{
    int in[2], out[2];
    pid_t pid;

    if ( pipe(in) || pipe(out) )
        exit(70);
    pid = fork();
    if ( pid < 0 )
        exit(70);
    if ( pid == 0 )
    {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    fw_pipe_to = fdopen(in[1], "w");
    fw_pipe_from = fdopen(out[0], "r");
    if ( !fw_pipe_to || !fw_pipe_from )
        exit(70);
}

/*
 * Sends one request line and returns the text after the server's "ok". A
 * server gone away is a harness bug (70); a refusal ends the run with 1 and
 * the server's line on stdout, where the test reads it. The reply lives until
 * the next request.
 */
static char *fw_pipe_vrequest(const char *who, const char *fmt, va_list ap)
{
    static char *line;
    static size_t cap;
    ssize_t n;

    vfprintf(fw_pipe_to, fmt, ap);
    fputc('\n', fw_pipe_to);
    fflush(fw_pipe_to);
    n = getline(&line, &cap, fw_pipe_from);
    if ( n <= 0 )
    {
        fprintf(stderr, "%s: the server went away\n", who);
        exit(70);
    }
    if ( line[n - 1] == '\n' )
        line[n - 1] = '\0';
    if ( strncmp(line, "ok", 2) )
    {
        printf("bad server: %.200s\n", line);
        fflush(stdout);
        exit(1);
    }
    return line[2] == ' ' ? line + 3 : line + 2;
}

#endif /* TEST_C_FW_PIPE_H */
