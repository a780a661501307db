package dockercoins.hasher;

public class Hasher {
    public static void main(String[] args) {
        System.out.println("placeholder");
    }
}
