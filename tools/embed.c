/*
 * embed.c: turns a file into a C array at build time, so the interview is compiled into lees
 * and opens from any directory once installed.  Usage: embed FILE NAME > out.c
 */
#include <stdio.h>

int main(int argc, char **argv)
{
    FILE *in;
    int c;
    unsigned long n = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: embed FILE NAME\n");
        return 2;
    }
    in = fopen(argv[1], "rb");
    if (in == NULL) {
        perror(argv[1]);
        return 1;
    }
    printf("/* Generated from %s by tools/embed.c: do not edit. */\n", argv[1]);
    printf("#include <stddef.h>\n#include \"lees/builtin.h\"\n\n");
    printf("const char builtin_name[] = \"%s\";\n", argv[2]);
    printf("const char builtin_text[] =\n    \"");
    /* Octal escapes keep every byte exact and the array of type char. */
    while ((c = getc(in)) != EOF) {
        if (n > 0 && n % 20 == 0)
            printf("\"\n    \"");
        printf("\\%03o", (unsigned)c);
        n++;
    }
    printf("\";\nconst size_t builtin_len = %lu;\n", n);
    fclose(in);
    return ferror(stdout) ? 1 : 0;
}
