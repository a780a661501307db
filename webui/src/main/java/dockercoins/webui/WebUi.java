package dockercoins.webui;

public class WebUi {
    public static void main(String[] args) {
        System.out.println("placeholder");
    }
}
